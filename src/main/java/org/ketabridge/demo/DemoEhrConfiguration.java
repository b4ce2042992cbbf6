package org.ketabridge.demo;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.ketabridge.hapi.HapiJpaServerSupport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * A real FHIR R4 server for the demo and the end-to-end tests to sync to: HAPI FHIR's JPA server
 * on an in-memory H2 database, with a web server of its own, in a Spring context of its own
 * ({@link DemoEhrServer}).
 */
public class DemoEhrConfiguration extends HapiJpaServerSupport {

    @Bean
    public TomcatServletWebServerFactory servletWebServerFactory(@Value("${demo-ehr.port}") int port) {
        return new TomcatServletWebServerFactory(port);
    }

    @Bean
    public DataSource dataSource(@Value("${demo-ehr.database}") String name) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(10);
        return ds;
    }

    @Bean
    public JpaStorageSettings jpaStorageSettings() {
        return outOfOrderStorageSettings();
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
