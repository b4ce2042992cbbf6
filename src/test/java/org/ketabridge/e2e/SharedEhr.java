package org.ketabridge.e2e;

import org.ketabridge.demo.DemoEhrServer;

/** The one HAPI FHIR JPA server of a test run, started on first use, stopped with the JVM. */
final class SharedEhr {

    static final DemoEhrServer INSTANCE = start();

    private SharedEhr() {
    }

    private static DemoEhrServer start() {
        DemoEhrServer server = DemoEhrServer.start(0);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }
}
