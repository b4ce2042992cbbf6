package org.ketabridge.db;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes an H2 database close when the bridge closes it, never on its own. By default H2 closes
 * every database from a JVM shutdown hook of its own ({@code DB_CLOSE_ON_EXIT}), which runs at
 * the same time as Spring's: on SIGTERM the database was gone while the sync routes were still
 * polling and writing ("Database is already closed", an error per clinic and a write in flight
 * left half recorded). With {@code DB_CLOSE_ON_EXIT=FALSE} the order is Spring's: the routes
 * stop taking work, the writes in flight finish, Camel stops, and only then the connection pool
 * closes (and with its last connection, the database). Applied to whatever H2 URL is configured,
 * unless the URL sets that option itself.
 */
public class H2ClosedAfterTheBridge implements EnvironmentPostProcessor {

    static final String URL = "spring.datasource.url";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty(URL);
        if (url == null || !url.startsWith("jdbc:h2:") || url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
            return;
        }
        String closedByTheBridge = (url.endsWith(";") ? url : url + ";") + "DB_CLOSE_ON_EXIT=FALSE";
        environment.getPropertySources().addFirst(new MapPropertySource("h2-closed-after-the-bridge",
                Map.<String, Object>of(URL, closedByTheBridge)));
    }
}
