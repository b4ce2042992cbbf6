package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.EhrType;
import org.ketabridge.config.WriteMode;
import org.ketabridge.ehr.fhir.EhrCapabilities.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Each FHIR clinic's {@link WritePlan}, by clinic id: what the connection check and the sync read
 * to know how the bridge writes to that clinic's EHR. Start-up logs one line per clinic
 * ({@code Clinic north EHR plan: Patient=transaction Encounter=transaction ...}, ending in
 * {@code ; patients: matched by <system>} when the EHR's patients are found rather than written),
 * no secrets, no patient data; and a warning when they are matched with no system to search by.
 *
 * <p>Only a clinic with {@code write-mode: auto} has its EHR's CapabilityStatement read (at
 * start-up, all such clinics at once); a configured {@code transaction} or {@code per-resource}
 * is planned from the configuration alone, so those clinics' EHRs see no new request. An EHR
 * that cannot be read at start-up does not stop the bridge: its clinic writes per-resource (the
 * conditional writes both of today's modes rely on, so nothing is written twice) and the
 * statement is read again on a write once a backoff has passed (30 s, doubling, at most 10 min).
 * Once read, a plan stays for the life of the process, or until the clinic's connection check
 * reads the statement again ({@link #refresh}).
 */
@Component
public class EhrPlans implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(EhrPlans.class);

    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);

    private final Map<String, ClinicPlan> byClinic = new LinkedHashMap<>();
    private final Clock clock;
    private final AtomicBoolean plannedAtStartUp = new AtomicBoolean();

    @Autowired
    public EhrPlans(ClinicRegistry clinics, FhirContext fhir) {
        this(clinics, fhir, Clock.systemUTC());
    }

    /** @param clock when a failed read may be tried again (a test moves it on) */
    EhrPlans(ClinicRegistry clinics, FhirContext fhir, Clock clock) {
        this.clock = clock;
        for (Clinic clinic : clinics.all()) {
            if (clinic.ehr().type() == EhrType.FHIR) {
                byClinic.put(clinic.id(), new ClinicPlan(clinic, clinic.ehr().writeMode() == WriteMode.AUTO
                        ? new EhrCapabilities(clinic.ehr(), fhir) : null));
            }
        }
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        planAtStartUp();
    }

    /**
     * Logs each clinic's plan, reading the statements of {@code write-mode: auto} clinics first
     * (in parallel: one slow EHR delays start-up by its own timeouts, not by the sum of all).
     * Done once, however often it is called.
     */
    public void planAtStartUp() {
        if (!plannedAtStartUp.compareAndSet(false, true)) {
            return;
        }
        List<Thread> readers = new ArrayList<>();
        for (ClinicPlan plan : byClinic.values()) {
            if (plan.capabilities == null) {
                plan.logPlan(null);
            } else {
                Thread reader = new Thread(plan::readFirst, "ehr-plan-" + plan.clinic.id());
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
        }
        for (Thread reader : readers) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The clinic's plan as it stands (no request to the EHR), or empty for a clinic without a FHIR EHR. */
    public Optional<WritePlan> of(String clinicId) {
        return Optional.ofNullable(byClinic.get(clinicId)).map(p -> p.plan);
    }

    /**
     * The write mode for the clinic's next record: the configured one, or with {@code write-mode:
     * auto} the one its plan resolved to. Reads the EHR's statement first when it has never been
     * read (waiting for a read in progress) or when a failed read's backoff has passed.
     */
    public WriteMode writeMode(String clinicId) {
        return forWriting(clinicId).writeMode();
    }

    /**
     * The plan the clinic's next record is written with (what it says of each type, as
     * {@link #writeMode} reads it first when it must): what the sync asks before it waits for, or
     * sends, a record of a type this EHR may not take.
     */
    public WritePlan forWriting(String clinicId) {
        ClinicPlan plan = byClinic.get(clinicId);
        if (plan == null) {
            throw new IllegalStateException("Clinic " + clinicId + " has no FHIR EHR");
        }
        return plan.forWriting();
    }

    // Issue 13 (connection check): the check reads the EHR's statement on every run, and the
    // clinic's plan is made from what it read, whatever its write mode.
    /**
     * The clinic's plan made from a statement the connection check has just read; the sync writes
     * with it from now on (no read of its own pending any more). Logs the plan line again when it
     * changed.
     */
    public WritePlan refresh(String clinicId, CapabilityStatement statement) {
        ClinicPlan plan = byClinic.get(clinicId);
        if (plan == null) {
            throw new IllegalStateException("Clinic " + clinicId + " has no FHIR EHR");
        }
        return plan.refresh(statement);
    }

    private final class ClinicPlan {
        private final Clinic clinic;
        private final EhrCapabilities capabilities;
        private final ReentrantLock reading = new ReentrantLock();
        private volatile WritePlan plan;
        private volatile boolean attempted;
        private volatile Instant nextReadAt = Instant.MIN;
        private Duration backoff = FIRST_RETRY;

        ClinicPlan(Clinic clinic, EhrCapabilities capabilities) {
            this.clinic = clinic;
            this.capabilities = capabilities;
            this.plan = WritePlan.of(clinic.ehr());
        }

        void readFirst() {
            reading.lock();
            try {
                if (!attempted) {
                    read();
                }
            } finally {
                reading.unlock();
            }
        }

        WritePlan forWriting() {
            WritePlan current = plan;
            if (capabilities == null || current.statementRead()) {
                return current;
            }
            if (!attempted) {
                readFirst();
            } else if (!clock.instant().isBefore(nextReadAt) && reading.tryLock()) {
                // Another writer already reading: this one goes on with the plan as it stands.
                try {
                    if (!plan.statementRead() && !clock.instant().isBefore(nextReadAt)) {
                        read();
                    }
                } finally {
                    reading.unlock();
                }
            }
            return plan;
        }

        WritePlan refresh(CapabilityStatement statement) {
            reading.lock();
            try {
                WritePlan before = plan;
                WritePlan after = WritePlan.of(clinic.ehr(), statement);
                plan = after;
                attempted = true;
                backoff = FIRST_RETRY;
                boolean autoNewlyRead = !before.statementRead() && after.configuredMode() == WriteMode.AUTO;
                if (autoNewlyRead || !before.summary().equals(after.summary()) || before.writeMode() != after.writeMode()) {
                    logPlan(null);
                }
                return after;
            } finally {
                reading.unlock();
            }
        }

        /** Under {@link #reading}. */
        private void read() {
            attempted = true;
            Reading answer = capabilities.read();
            if (answer.ok()) {
                plan = WritePlan.of(clinic.ehr(), answer.statement().orElseThrow());
                logPlan(null);
                return;
            }
            Duration wait = backoff;
            nextReadAt = clock.instant().plus(wait);
            backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
            logPlan(answer.problem() + "; read again on a write after " + wait.toSeconds() + " s");
        }

        /** The one line per clinic; {@code unread}: why the statement of an auto clinic is not read yet. */
        void logPlan(String unread) {
            WritePlan p = plan;
            String line = "Clinic " + clinic.id() + " EHR plan: " + p.summary() + "; " + modeText(p, unread)
                    // Match (issue 13): said only when the bridge finds the EHR's patients instead of writing them.
                    + (p.matchesPatients() ? "; patients: " + p.patients() : "");
            if (unread == null) {
                log.info(line);
            } else {
                log.warn(line);
            }
            p.patientProblem().ifPresent(problem -> log.warn("Clinic {}: {}", clinic.id(), problem));
        }

        private String modeText(WritePlan p, String unread) {
            String resolved = p.writeMode() == WriteMode.TRANSACTION ? "transaction" : "per-resource";
            if (p.configuredMode() != WriteMode.AUTO) {
                return "write-mode " + resolved + ", as configured";
            }
            if (unread != null) {
                return "write-mode auto: per-resource until the EHR's CapabilityStatement is read (" + unread + ")";
            }
            return "write-mode auto: " + resolved + ", from the EHR's CapabilityStatement"
                    + p.software().map(s -> " (" + s + ")").orElse("");
        }
    }
}
