package org.ketabridge.demo;

import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.Map;
import org.ketabridge.hapi.HapiJpaServerSupport;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the demo EHR (HAPI FHIR JPA server, in-memory) at {@code http://localhost:{port}/fhir}.
 * Runs on its own or inside the demo bridge's JVM; it shares nothing with the bridge but the JVM.
 */
public final class DemoEhrServer implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final int port;

    private DemoEhrServer(ConfigurableApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static DemoEhrServer start(int port) {
        return start(port, "demo-ehr-" + port);
    }

    /**
     * @param database the name of its in-memory database: two servers in one JVM (a second EHR of a
     *                 test, both on port 0) must not share one
     */
    public static DemoEhrServer start(int port, String database) {
        SpringApplication app = HapiJpaServerSupport.application(DemoEhrConfiguration.class, WebApplicationType.SERVLET,
                "demo-ehr", Map.of("demo-ehr.port", String.valueOf(port), "demo-ehr.database", database));
        app.setRegisterShutdownHook(true);
        ConfigurableApplicationContext context = app.run("--spring.config.name=demo-ehr-none");
        int actualPort = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new DemoEhrServer(context, actualPort);
    }

    public String baseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    /**
     * Adds a HAPI interceptor to the server's FHIR endpoint (e.g. one that makes it behave like a
     * commercial EHR's more restricted API). Before the first request, so that every answer, its
     * CapabilityStatement included, is the interceptor's.
     */
    public void register(Object interceptor) {
        context.getBean(RestfulServer.class).getInterceptorService().registerInterceptor(interceptor);
    }

    @Override
    public void close() {
        context.close();
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        DemoEhrServer server = start(port);
        System.out.println("Demo EHR ready at " + server.baseUrl());
    }
}
