package org.ketabridge.auditor.server;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.jpa.searchparam.registry.SearchParamRegistryImpl;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.auditor.reports.RemsForms;
import org.ketabridge.auditor.reports.RemsFormsProvider;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.LateReferences;
import org.ketabridge.hapi.HapiJpaServerSupport;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Starts HAPI's JPA server for the auditors' store in a Spring context of its own
 * ({@link AuditorStoreConfiguration}: a child of no one, so HAPI's hundreds of beans stay out of
 * the bridge's), on the bridge's database, then readies it: a partition for every clinic, the
 * search parameters it indexes ({@link ActiveSearchParameters}), the one-time reindex, the
 * batch-job timer. One attempt, all or nothing: what fails is closed and
 * thrown, and {@link StoreLifecycle} decides when to try again.
 */
@Component
class JpaServerLauncher implements StoreLifecycle.Launcher {

    private final ClinicRegistry clinics;
    private final Environment environment;
    private final LateReferences lateReferences;
    private final RemsForms remsForms;

    JpaServerLauncher(ClinicRegistry clinics, Environment environment, LateReferences lateReferences, RemsForms remsForms) {
        this.clinics = clinics;
        this.environment = environment;
        this.lateReferences = lateReferences;
        this.remsForms = remsForms;
    }

    @Override
    public RunningStore launch() {
        List<String> clinicIds = clinics.all().stream().map(Clinic::id).toList();
        SpringApplication app = HapiJpaServerSupport.application(AuditorStoreConfiguration.class, WebApplicationType.NONE,
                "auditor-store", Map.of(
                        "auditor-store.datasource.url", environment.getRequiredProperty("spring.datasource.url"),
                        "auditor-store.datasource.username", environment.getProperty("spring.datasource.username", ""),
                        "auditor-store.datasource.password", environment.getProperty("spring.datasource.password", ""),
                        "auditor-store.clinics", String.join(",", clinicIds)));
        app.setRegisterShutdownHook(false);
        // The one bridge object the store's context is handed: $rems-forms fills forms from the bridge's records.
        RemsFormsProvider rems = new RemsFormsProvider(remsForms, clinics);
        app.addInitializers(store -> store.getBeanFactory().registerSingleton("remsFormsProvider", rems));
        ConfigurableApplicationContext context = app.run("--spring.config.name=auditor-store-none");
        try {
            ClinicPartitions.createMissing(context.getBean(IPartitionLookupSvc.class), clinicIds);
            // Before anything is written: a resource is indexed by the parameters active when it is written.
            ActiveSearchParameters.install(context.getBean(DaoRegistry.class), context.getBean(SearchParamRegistryImpl.class));
            @SuppressWarnings("unchecked")
            IFhirSystemDao<Bundle, ?> system = context.getBean(IFhirSystemDao.class);
            LateReferenceBackfill.startIfDue(context.getBean(IJobCoordinator.class), lateReferences);
            BatchJobTimer timer = BatchJobTimer.start(context.getBean(IJobMaintenanceService.class));
            ReferenceIndex references = new ReferenceIndex(context.getBean(DaoRegistry.class),
                    context.getBean(IHapiTransactionService.class), system.getContext());
            return new RunningStore(context, system, context.getBean(RestfulServer.class), timer, references);
        } catch (RuntimeException e) {
            // Half started is not started: the next attempt begins from nothing.
            context.close();
            throw e;
        }
    }
}
