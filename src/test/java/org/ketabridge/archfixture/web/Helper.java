package org.ketabridge.archfixture.web;

import org.ketabridge.archfixture.channel.SneakyChannel;

/** With channel.SneakyChannel, makes a package cycle. */
public class Helper {
    public SneakyChannel channel;
}
