package org.ketabridge.startup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.validation.ResourceValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * {@code --bridge.training-run=true}: start as usual, wait until everything is ready (the FHIR
 * validator's definitions, the auditors' store, {@code /fhir} answering once), then exit. Run
 * under {@code -XX:DumpLoadedClassList} it records every class a start loads, for a class-data
 * sharing archive that halves the time to start (README, "Running it for real"; BENCHMARKS.md).
 * Never on in a normal run.
 */
@Component
@ConditionalOnProperty(name = "bridge.training-run", havingValue = "true")
public class ClassDataSharingTrainingRun implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ClassDataSharingTrainingRun.class);

    private final ResourceValidator validator;
    private final AuditorStore store;
    private final BridgeProperties properties;

    public ClassDataSharingTrainingRun(ResourceValidator validator, AuditorStore store, BridgeProperties properties) {
        this.validator = validator;
        this.store = store;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        ConfigurableApplicationContext context = event.getApplicationContext();
        String port = context.getEnvironment().getProperty("local.server.port", "8080");
        Thread waiter = new Thread(() -> {
            int status = 0;
            try {
                while (!everythingReady()) {
                    Thread.sleep(200);
                }
                if (properties.getAuditorStore().isEnabled()) {
                    // The first request initialises HAPI's RestfulServer: its classes belong in the archive too.
                    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/metadata"))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
                }
                log.info("Training run: everything is ready; exiting");
            } catch (Exception e) {
                log.error("Training run failed: {}", e.toString());
                status = 1;
            }
            int code = status;
            System.exit(SpringApplication.exit(context, () -> code));
        }, "cds-training-run");
        waiter.setDaemon(true);
        waiter.start();
    }

    private boolean everythingReady() {
        if (validator.hasFailed()) {
            throw new IllegalStateException("the FHIR validator failed to load");
        }
        return validator.isReady() && (!properties.getAuditorStore().isEnabled() || store.isReady());
    }
}
