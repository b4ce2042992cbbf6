package org.ketabridge.sync;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Gives each clinic with a FHIR EHR its own sync route, made from the {@code fhir-ehr-sync}
 * template in routes/ (an HL7 v2 EHR's from {@code hl7-ehr-sync}, issue 14): its own timer thread, its own circuit breaker, so that one clinic's
 * broken or slow EHR never holds up another's.
 */
@Component
public class SyncRouteInstaller implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SyncRouteInstaller.class);

    private final ClinicRegistry clinics;
    private final BridgeProperties properties;

    public SyncRouteInstaller(ClinicRegistry clinics, BridgeProperties properties) {
        this.clinics = clinics;
        this.properties = properties;
    }

    /** The id of a clinic's sync route. */
    static String routeIdOf(String clinicId) {
        return "ehr-sync-" + clinicId;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // Routes from routes/*.yaml are loaded only as the context starts: add ours after that.
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        BridgeProperties.Sync sync = properties.getSync();
        for (Clinic clinic : clinics.all()) {
            if (clinic.ehr().type() != EhrType.FHIR && clinic.ehr().type() != EhrType.HL7V2) {
                continue;
            }
            // HL7 v2 (issue 14): routes/hl7-ehr-sync.yaml, one message at a time (max-in-flight 1).
            boolean hl7 = clinic.ehr().type() == EhrType.HL7V2;
            // The clinic's own pool: its writes in flight never take a thread another clinic needs.
            String pool = "ehr-sync-pool-" + clinic.id();
            camelContext.getRegistry().bind(pool, camelContext.getExecutorServiceManager()
                    .newFixedThreadPool(this, pool, clinic.ehr().maxInFlight()));
            TemplatedRouteBuilder.builder(camelContext, hl7 ? "hl7-ehr-sync" : "fhir-ehr-sync")
                    .routeId(routeIdOf(clinic.id()))
                    .parameter("clinicId", clinic.id())
                    .parameter("pollMillis", String.valueOf(sync.getPollInterval().toMillis()))
                    .parameter("circuitOpenSeconds", String.valueOf(Math.max(1, sync.getCircuitOpenFor().toSeconds())))
                    .parameter("writePool", pool)
                    .add();
            Double rate = clinic.ehr().ratePerSecond();
            String limit = rate == null ? "no rate limit" : rate + (hl7 ? " messages/s at most" : " requests/s at most");
            if (hl7) {
                log.info("Sync route started for clinic {} (HL7 v2 to {}, one message at a time, {})", clinic.id(),
                        clinic.ehr().mllp(), limit);
            } else {
                log.info("Sync route started for clinic {} ({} to {}, {} in flight, {})", clinic.id(),
                        clinic.ehr().writeMode(), clinic.ehr().baseUrl(), clinic.ehr().maxInFlight(), limit);
            }
        }
    }
}
