package org.ketabridge.archfixture.channel;

import org.ketabridge.archfixture.db.Table;
import org.ketabridge.archfixture.web.Helper;

/** Breaks "channels reach the database only through intake"; with web.Helper, makes a package cycle. */
public class SneakyChannel {
    public Table table;
    public Helper helper;
}
