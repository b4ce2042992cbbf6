package org.ketabridge.archfixture.mapping;

import java.net.http.HttpClient;
import org.ketabridge.archfixture.db.Table;

/** Breaks "mapping does no I/O": reads the database and opens an HTTP client. */
public class LeakyMapper {
    public Object map(Table table) {
        return HttpClient.newHttpClient();
    }
}
