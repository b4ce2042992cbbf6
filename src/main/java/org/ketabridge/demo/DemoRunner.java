package org.ketabridge.demo;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.camel.CamelContext;
import org.ketabridge.channel.http.NdjsonLines;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.intake.InboundLine;
import org.ketabridge.intake.Receipt;
import org.ketabridge.intake.RecordIntake;
import org.ketabridge.record.RecordKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile: starts a real FHIR server as the demo clinic's EHR and feeds the
 * clinic's sample records through the same intake every channel uses. The bridge accepts
 * records at once; the EHR takes about a minute to start, and the records wait in the durable
 * queue (retrying, then behind the circuit breaker) until it is up: the demo shows that too.
 * Loading again on a restart changes nothing: the records are unchanged resends. With the HL7
 * listener on (the demo profile turns it on), a new patient, their dose and their score also
 * arrive as HL7 v2 messages over MLLP ({@link DemoHl7Sender}), after the sample files, on a
 * thread of their own so start-up does not wait for them.
 */
@Component
@Profile("demo")
public class DemoRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoRunner.class);
    /** The dose file goes first, before its patients: the bridge holds the doses until they arrive. */
    private static final List<RecordKind> LOAD_ORDER =
            List.of(RecordKind.DOSE, RecordKind.PATIENT, RecordKind.ENCOUNTER, RecordKind.SCORE);

    private final ClinicRegistry clinics;
    private final RecordIntake intake;
    private final NdjsonLines ndjson = new NdjsonLines();
    private final String clinicId;
    private final int ehrPort;
    private final DemoHl7Sender hl7;

    public DemoRunner(ClinicRegistry clinics, RecordIntake intake, CamelContext camel,
                      @Value("${demo.clinic-id}") String clinicId, @Value("${demo.ehr-port}") int ehrPort,
                      @Value("${bridge.hl7.enabled:false}") boolean hl7Enabled, @Value("${bridge.hl7.port:2575}") int hl7Port) {
        this.clinics = clinics;
        this.intake = intake;
        this.clinicId = clinicId;
        this.ehrPort = ehrPort;
        this.hl7 = hl7Enabled ? new DemoHl7Sender(camel, hl7Port) : null;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() throws IOException {
        Thread ehr = new Thread(() -> {
            DemoEhrServer server = DemoEhrServer.start(ehrPort);
            log.info("Demo EHR ready at {} (try {}/Patient)", server.baseUrl(), server.baseUrl());
        }, "demo-ehr-start");
        ehr.setDaemon(false);
        ehr.start();
        Clinic clinic = clinics.find(clinicId).orElseThrow(() -> new IllegalStateException("demo clinic missing"));
        for (RecordKind kind : LOAD_ORDER) {
            Receipt receipt = intake.accept(clinic, kind, "demo", read("demo/" + kind.collection() + ".ndjson"));
            log.info("Demo: {} {} accepted ({} unchanged), {} rejected; status at /api/v1/clinics/{}/receipts/{}",
                    receipt.accepted(), kind.collection(), receipt.unchanged(), receipt.rejected(), clinicId, receipt.receiptId());
        }
        if (hl7 != null) {
            Thread sender = new Thread(hl7::sendAll, "demo-hl7-send");
            sender.setDaemon(true);
            sender.start();
        }
    }

    /** A sample file, read as the HTTP channel reads an NDJSON body. */
    private List<InboundLine> read(String resource) throws IOException {
        try (InputStream in = new ClassPathResource(resource).getInputStream()) {
            return ndjson.read(in.readAllBytes(), 0);
        }
    }
}
