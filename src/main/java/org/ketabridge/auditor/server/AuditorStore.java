package org.ketabridge.auditor.server;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.jobs.parameters.PartitionedUrl;
import ca.uhn.fhir.batch2.jobs.reindex.ReindexJobParameters;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.PartitionNames;
import org.ketabridge.db.LateReferences;
import org.ketabridge.hapi.HapiJpaServerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The auditors' FHIR store, as the bridge sees it: started once the bridge is up (HAPI's JPA
 * server takes most of a minute to start on a small machine, and the bridge accepts records
 * meanwhile: they wait in the store queue), then ready to be written (by the store route) and
 * read (through /fhir). Until it is ready, /fhir answers 503 and health shows it as starting
 * (UNKNOWN), or, once an attempt to start has failed, as DOWN with why, while it tries again.
 */
@Component("auditorStore")
public class AuditorStore implements ApplicationListener<ApplicationReadyEvent>, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(AuditorStore.class);

    private final ClinicRegistry clinics;
    private final Environment environment;
    private final boolean enabled;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private final LateReferences lateReferences;
    private final Clock clock;
    private final Launcher launcher;
    private final Retry retry;
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private volatile String failure;
    private volatile long startedAtNanos;
    private volatile boolean stopped;

    @org.springframework.beans.factory.annotation.Autowired
    public AuditorStore(ClinicRegistry clinics, Environment environment, BridgeProperties properties,
                        LateReferences lateReferences, Clock clock) {
        this(clinics, environment, properties, lateReferences, clock, null, new Retry(Duration.ofSeconds(5), Duration.ofMinutes(5)));
    }

    /** @param launcher how the store starts (null: HAPI's JPA server; a test passes one that fails) */
    AuditorStore(ClinicRegistry clinics, Environment environment, BridgeProperties properties, LateReferences lateReferences,
                 Clock clock, Launcher launcher, Retry retry) {
        this.clinics = clinics;
        this.environment = environment;
        this.enabled = properties.getAuditorStore().isEnabled();
        this.lateReferences = lateReferences;
        this.clock = clock;
        this.launcher = launcher != null ? launcher : this::launch;
        this.retry = retry;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!enabled || running.get() != null || startedAtNanos != 0) {
            return;
        }
        startedAtNanos = System.nanoTime();
        Thread starter = new Thread(this::startUntilRunning, "auditor-store-start");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * Starts the store, and when it cannot start, says why (log and health, DOWN) and tries again
     * with backoff, for as long as the bridge runs. Why not stop the bridge instead: the bridge
     * accepts and syncs records without the store (they wait in its queue), so a store that cannot
     * start must not take every clinic's intake and EHR sync down with it; and a cause outside the
     * bridge (the database briefly unreachable) goes away on its own.
     */
    private void startUntilRunning() {
        Duration wait = retry.initial();
        for (int attempt = 1; !stopped; attempt++) {
            try {
                Running started = launcher.launch();
                if (stopped) {
                    started.close();
                    return;
                }
                running.set(started);
                failure = null;
                log.info("Auditors' FHIR store ready at /fhir in {} s ({} clinic partitions)",
                        (System.nanoTime() - startedAtNanos) / 1_000_000_000, clinics.all().size());
                return;
            } catch (RuntimeException e) {
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                failedAttempts.incrementAndGet();
                log.error("The auditors' FHIR store failed to start (attempt {}); /fhir stays unavailable and store tasks wait."
                        + " Trying again in {} s", attempt, wait.toSeconds(), e);
            }
            if (!sleep(wait)) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(retry.max()) > 0 ? retry.max() : wait.multipliedBy(2);
        }
    }

    private boolean sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** HAPI's JPA server in a context of its own, with a partition for every clinic. */
    private Running launch() {
        List<String> clinicIds = clinics.all().stream().map(Clinic::id).toList();
        SpringApplication app = HapiJpaServerSupport.application(AuditorStoreConfiguration.class, WebApplicationType.NONE,
                "auditor-store", Map.of(
                        "auditor-store.datasource.url", environment.getRequiredProperty("spring.datasource.url"),
                        "auditor-store.datasource.username", environment.getProperty("spring.datasource.username", ""),
                        "auditor-store.datasource.password", environment.getProperty("spring.datasource.password", ""),
                        "auditor-store.clinics", String.join(",", clinicIds)));
        app.setRegisterShutdownHook(false);
        ConfigurableApplicationContext context = app.run("--spring.config.name=auditor-store-none");
        try {
            createMissingPartitions(context.getBean(IPartitionLookupSvc.class), clinicIds);
            @SuppressWarnings("unchecked")
            IFhirSystemDao<Bundle, ?> system = context.getBean(IFhirSystemDao.class);
            reindexWhatWasStoredBeforeLateReferencesWereTracked(context.getBean(IJobCoordinator.class));
            var timer = keepBatchJobsMoving(context.getBean(ca.uhn.fhir.batch2.api.IJobMaintenanceService.class));
            ReferenceIndex references = new ReferenceIndex(context.getBean(DaoRegistry.class),
                    context.getBean(IHapiTransactionService.class), system.getContext());
            return new Running(context, system, context.getBean(RestfulServer.class), timer, references);
        } catch (RuntimeException e) {
            // Half started is not started: the next attempt begins from nothing.
            context.close();
            throw e;
        }
    }

    /**
     * A store written before late references were tracked (V12) may hold doses, scores and
     * encounters whose references to their patient or encounter HAPI never indexed. Once, HAPI's
     * own REINDEX batch job goes over every resource the bridge writes with references, in every
     * partition, in the background (durable: a restart resumes it); searches are complete once it
     * ends. The job is recorded before the marker goes, so it is started at least once.
     */
    private void reindexWhatWasStoredBeforeLateReferencesWereTracked(IJobCoordinator jobs) {
        if (!lateReferences.maintenanceDue(LateReferences.REINDEX_ALL)) {
            return;
        }
        ReindexJobParameters parameters = new ReindexJobParameters();
        for (String type : List.of("Encounter", "EpisodeOfCare", "MedicationAdministration", "Observation", "Flag", "Provenance")) {
            parameters.addPartitionedUrl(new PartitionedUrl().setUrl(type + "?").setRequestPartitionId(RequestPartitionId.allPartitions()));
        }
        try {
            String job = jobs.startInstance(new SystemRequestDetails(),
                    new JobInstanceStartRequest().setJobDefinitionId("REINDEX").setParameters(parameters)).getInstanceId();
            lateReferences.maintenanceDone(LateReferences.REINDEX_ALL);
            log.info("Reindexing the references of what the auditors' store held before this version (HAPI job {})", job);
        } catch (RuntimeException e) {
            // The store works without it (new writes are indexed right); the next start tries again.
            log.warn("Could not start reindexing what the auditors' store held before this version; next start tries again", e);
        }
    }

    /**
     * HAPI advances its batch jobs (an $export's steps) in a maintenance pass it runs once a
     * minute, so an export of a few records would take minutes; a pass every few seconds makes
     * it seconds. A pass with no job to advance is a couple of small queries.
     */
    private static java.util.concurrent.ScheduledExecutorService keepBatchJobsMoving(
            ca.uhn.fhir.batch2.api.IJobMaintenanceService maintenance) {
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "auditor-store-jobs");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                maintenance.runMaintenancePass();
            } catch (RuntimeException e) {
                // An export's job parameters may hold search values: the kind of error only.
                log.warn("Batch job maintenance pass failed: {}", org.ketabridge.logging.LogSafe.kinds(e));
            }
        }, 3, 3, java.util.concurrent.TimeUnit.SECONDS);
        return timer;
    }

    private static void createMissingPartitions(IPartitionLookupSvc lookup, List<String> clinicIds) {
        Map<String, String> descriptionByName = new java.util.LinkedHashMap<>();
        for (String clinicId : clinicIds) {
            descriptionByName.put(PartitionNames.of(clinicId), "Clinic " + clinicId);
        }
        descriptionByName.put(PartitionNames.NO_CLINIC, "Always empty: the scope of a token covering no clinic");
        for (var partition : descriptionByName.entrySet()) {
            try {
                lookup.getPartitionByName(partition.getKey());
            } catch (ResourceNotFoundException missing) {
                PartitionEntity created = new PartitionEntity().setId(lookup.generateRandomUnusedPartitionId())
                        .setName(partition.getKey());
                created.setDescription(partition.getValue());
                lookup.createPartition(created, new SystemRequestDetails());
                log.info("Created the auditors' store partition {} ({})", partition.getKey(), partition.getValue());
            }
        }
    }

    public boolean isReady() {
        return running.get() != null;
    }

    /** The HAPI RestfulServer that answers /fhir, once the store is ready. */
    public Optional<RestfulServer> restfulServer() {
        return Optional.ofNullable(running.get()).map(Running::server);
    }

    /** One of the store's own beans, once it is ready (for this package's tests: HAPI's caches, say). */
    <T> Optional<T> storeBean(Class<T> type) {
        return Optional.ofNullable(running.get()).map(r -> r.context().getBean(type));
    }

    /** Writes a transaction Bundle into one clinic's partition, as the bridge (not as any caller). */
    public Bundle transaction(String clinicId, Bundle bundle) {
        return transaction(RequestPartitionId.fromPartitionName(PartitionNames.of(clinicId)), bundle);
    }

    /**
     * Writes one record's transaction Bundle into its clinic's partition, so that every reference
     * in it is searchable whatever was stored first: a reference to what is not stored yet is noted
     * before the write, and a resource that referred to what this Bundle brings is reindexed after
     * it ({@link ReferenceIndex}). Both sides look after their own write, so a target stored
     * between the look and the write is caught by one of them.
     */
    public Bundle storeRecord(String clinicId, Bundle bundle) {
        Running r = ready();
        RequestPartitionId partition = RequestPartitionId.fromPartitionName(PartitionNames.of(clinicId));
        List<LateReferences.Late> late = r.references().notYetStored(partition, bundle);
        lateReferences.add(clinicId, late, clock.instant());
        Bundle response = r.system().transaction(SystemRequestDetails.forRequestPartitionId(partition), bundle);
        Set<LateReferences.Late> due = new LinkedHashSet<>(lateReferences.waitingFor(clinicId, ReferenceIndex.written(bundle)));
        late.stream().filter(l -> r.references().exists(partition, l.target())).forEach(due::add);
        for (LateReferences.Late l : due) {
            r.references().reindex(partition, l.source());
            lateReferences.resolved(clinicId, l);
        }
        return response;
    }

    /** Writes a transaction Bundle into the default partition, which only admins read. */
    public Bundle transactionUnscoped(Bundle bundle) {
        return transaction(RequestPartitionId.defaultPartition(), bundle);
    }

    private Bundle transaction(RequestPartitionId partition, Bundle bundle) {
        return ready().system().transaction(SystemRequestDetails.forRequestPartitionId(partition), bundle);
    }

    private Running ready() {
        Running r = running.get();
        if (r == null) {
            throw new IllegalStateException("the auditors' store is not ready yet");
        }
        return r;
    }

    @Override
    public Health health() {
        if (!enabled) {
            return Health.up().withDetail("auditorStore", "disabled").build();
        }
        if (isReady()) {
            return Health.up().build();
        }
        if (failure != null) {
            // It tried and could not: nothing reaches the auditors until this is fixed.
            return Health.down().withDetail("error", failure).withDetail("failedAttempts", failedAttempts.get())
                    .withDetail("auditorStore", "retrying").build();
        }
        // UNKNOWN while starting the first time: the bridge accepts records meanwhile, so it is not DOWN.
        return Health.unknown().withDetail("auditorStore", "starting").build();
    }

    @PreDestroy
    public void stop() {
        stopped = true;
        Running r = running.getAndSet(null);
        if (r != null) {
            r.close();
        }
    }

    /** Starts the store's HAPI server (its own Spring context); throws when it cannot. */
    @FunctionalInterface
    interface Launcher {
        Running launch();
    }

    /** How long to wait before trying to start again: doubling from initial up to max. */
    record Retry(Duration initial, Duration max) {
    }

    record Running(ConfigurableApplicationContext context, IFhirSystemDao<Bundle, ?> system, RestfulServer server,
                   java.util.concurrent.ScheduledExecutorService jobTimer, ReferenceIndex references) {
        void close() {
            if (jobTimer != null) {
                jobTimer.shutdownNow();
            }
            context.close();
        }
    }
}
