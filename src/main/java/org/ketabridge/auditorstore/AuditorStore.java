package org.ketabridge.auditorstore;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.entity.PartitionEntity;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
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
 * read (through /fhir). Until it is ready, /fhir answers 503 and health shows it as starting.
 */
@Component("auditorStore")
public class AuditorStore implements ApplicationListener<ApplicationReadyEvent>, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(AuditorStore.class);

    private final ClinicRegistry clinics;
    private final Environment environment;
    private final boolean enabled;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private volatile String failure;
    private volatile long startedAtNanos;
    private volatile java.util.concurrent.ScheduledExecutorService jobTimer;

    public AuditorStore(ClinicRegistry clinics, Environment environment, BridgeProperties properties) {
        this.clinics = clinics;
        this.environment = environment;
        this.enabled = properties.getAuditorStore().isEnabled();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!enabled || running.get() != null || startedAtNanos != 0) {
            return;
        }
        startedAtNanos = System.nanoTime();
        Thread starter = new Thread(this::start, "auditor-store-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void start() {
        try {
            List<String> partitions = new ArrayList<>(clinics.all().stream().map(Clinic::id).toList());
            SpringApplication app = HapiJpaServerSupport.application(AuditorStoreConfiguration.class, WebApplicationType.NONE,
                    "auditor-store", Map.of(
                            "auditor-store.datasource.url", environment.getRequiredProperty("spring.datasource.url"),
                            "auditor-store.datasource.username", environment.getProperty("spring.datasource.username", ""),
                            "auditor-store.datasource.password", environment.getProperty("spring.datasource.password", ""),
                            "auditor-store.clinics", String.join(",", partitions)));
            app.setRegisterShutdownHook(false);
            ConfigurableApplicationContext context = app.run("--spring.config.name=auditor-store-none");
            createMissingPartitions(context.getBean(IPartitionLookupSvc.class), partitions);
            @SuppressWarnings("unchecked")
            IFhirSystemDao<Bundle, ?> system = context.getBean(IFhirSystemDao.class);
            running.set(new Running(context, system, context.getBean(RestfulServer.class)));
            keepBatchJobsMoving(context.getBean(ca.uhn.fhir.batch2.api.IJobMaintenanceService.class));
            log.info("Auditors' FHIR store ready at /fhir in {} s ({} clinic partitions)",
                    (System.nanoTime() - startedAtNanos) / 1_000_000_000, partitions.size());
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.error("The auditors' FHIR store failed to start; /fhir stays unavailable", e);
        }
    }

    /**
     * HAPI advances its batch jobs (an $export's steps) in a maintenance pass it runs once a
     * minute, so an export of a few records would take minutes; a pass every few seconds makes
     * it seconds. A pass with no job to advance is a couple of small queries.
     */
    private void keepBatchJobsMoving(ca.uhn.fhir.batch2.api.IJobMaintenanceService maintenance) {
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
                log.warn("Batch job maintenance pass failed: {}", org.ketabridge.sync.LogSafe.kinds(e));
            }
        }, 3, 3, java.util.concurrent.TimeUnit.SECONDS);
        jobTimer = timer;
    }

    private static void createMissingPartitions(IPartitionLookupSvc lookup, List<String> clinicIds) {
        List<String> names = new ArrayList<>(clinicIds);
        names.add(ClinicScopeInterceptor.NO_CLINIC);
        for (String name : names) {
            try {
                lookup.getPartitionByName(name);
            } catch (ResourceNotFoundException missing) {
                PartitionEntity partition = new PartitionEntity().setId(lookup.generateRandomUnusedPartitionId()).setName(name);
                partition.setDescription(name.equals(ClinicScopeInterceptor.NO_CLINIC)
                        ? "Always empty: the scope of a token covering no clinic" : "Clinic " + name);
                lookup.createPartition(partition, new SystemRequestDetails());
                log.info("Created the auditors' store partition for {}", name);
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

    /** Writes a transaction Bundle into one clinic's partition, as the bridge (not as any caller). */
    public Bundle transaction(String clinicId, Bundle bundle) {
        return transaction(RequestPartitionId.fromPartitionName(clinicId), bundle);
    }

    /** Writes a transaction Bundle into the default partition, which only admins read. */
    public Bundle transactionUnscoped(Bundle bundle) {
        return transaction(RequestPartitionId.defaultPartition(), bundle);
    }

    private Bundle transaction(RequestPartitionId partition, Bundle bundle) {
        Running r = running.get();
        if (r == null) {
            throw new IllegalStateException("the auditors' store is not ready yet");
        }
        return r.system().transaction(SystemRequestDetails.forRequestPartitionId(partition), bundle);
    }

    @Override
    public Health health() {
        if (!enabled) {
            return Health.up().withDetail("auditorStore", "disabled").build();
        }
        if (failure != null) {
            return Health.down().withDetail("error", failure).build();
        }
        // UNKNOWN while starting: the bridge accepts records meanwhile, so it is not DOWN.
        return isReady() ? Health.up().build() : Health.unknown().withDetail("auditorStore", "starting").build();
    }

    @PreDestroy
    public void stop() {
        if (jobTimer != null) {
            jobTimer.shutdownNow();
        }
        Running r = running.getAndSet(null);
        if (r != null) {
            r.context().close();
        }
    }

    private record Running(ConfigurableApplicationContext context, IFhirSystemDao<Bundle, ?> system, RestfulServer server) {
    }
}
