package org.ketabridge.auditor.server;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.HistoryCountModeEnum;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.partition.IPartitionLookupSvc;
import ca.uhn.fhir.jpa.partition.IRequestPartitionHelperSvc;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import javax.sql.DataSource;
import org.ketabridge.auditor.reports.ControlledSubstanceLogProvider;
import org.ketabridge.auditor.reports.RemsFormsProvider;
import org.ketabridge.auditor.scope.AllowedInteractions;
import org.ketabridge.auditor.scope.ClinicExportInterceptor;
import org.ketabridge.auditor.scope.ClinicScopeInterceptor;
import org.ketabridge.auditor.scope.ExportPollScope;
import org.ketabridge.auditor.scope.PageLinkScope;
import org.ketabridge.config.PartitionNames;
import org.ketabridge.hapi.HapiJpaServerSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/**
 * The auditors' FHIR store: HAPI FHIR's JPA server on the bridge's own database (its tables
 * beside the bridge's), one partition per clinic, read-only. Its Spring context is started by
 * {@link JpaServerLauncher}, off the bridge's start-up path, and has no web server of its own: the
 * bridge's {@link FhirEndpointServlet} hands it the /fhir requests. What it adds to HAPI: the
 * clinic scope ({@link ClinicScopeInterceptor}, {@link ClinicExportInterceptor},
 * {@link ExportPollScope}, {@link PageLinkScope}), what may be asked at all
 * ({@link AllowedInteractions}), the controlled-substance record and the REMS forms.
 */
public class AuditorStoreConfiguration extends HapiJpaServerSupport {

    @Value("${auditor-store.clinics}")
    private List<String> clinics;

    @Autowired
    private DaoRegistry daoRegistry;

    // HAPI's own beans, looked up lazily: the RestfulServer that uses them is made before them.
    @Autowired
    @Lazy
    private IRequestPartitionHelperSvc partitions;

    @Autowired
    @Lazy
    private IPartitionLookupSvc partitionLookup;

    /** HAPI's own $export provider (defined by its JpaConfig). */
    @Autowired
    @Lazy
    private BulkDataExportProvider bulkExport;

    @Bean
    public DataSource dataSource(@Value("${auditor-store.datasource.url}") String url,
                                 @Value("${auditor-store.datasource.username:}") String username,
                                 @Value("${auditor-store.datasource.password:}") String password) {
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName("auditor-store");
        ds.setJdbcUrl(url);
        ds.setUsername(username);
        ds.setPassword(password);
        ds.setMaximumPoolSize(8);
        return ds;
    }

    @Bean
    public JpaStorageSettings jpaStorageSettings() {
        // Practitioners are referenced by NPI only; a dose may be stored before its patient.
        JpaStorageSettings settings = outOfOrderStorageSettings();
        // Index only what auditors search by (IndexedSearchParameters, made active by ActiveSearchParameters):
        // HAPI's defaults index every parameter of base FHIR, most of a write's cost and never searched.
        settings.setAutoSupportDefaultSearchParams(false);
        // Without it HAPI's full refresh ignores stored SearchParameters (only the bridge writes any: /fhir is read-only).
        settings.setDefaultSearchParamsCanBeOverridden(true);
        // Not a reindex of the whole store per SearchParameter written at start: rows of what is no longer
        // indexed stay, unused, until their resource is written again.
        settings.setMarkResourcesForReindexingUponSearchParameterChange(false);
        // An auditor sees what the store holds now: no search answered from a cached earlier result.
        settings.setReuseCachedSearchResultsForMillis(null);
        settings.setHistoryCountMode(HistoryCountModeEnum.COUNT_ACCURATE);
        // $export: HAPI's bulk export (batch jobs), each export of one clinic (ClinicExportInterceptor).
        settings.setEnableTaskBulkExportJobExecution(true);
        settings.setEnableBulkExportJobReuse(false);
        return settings;
    }

    /** One partition per clinic (named by PartitionNames); a resource of one clinic never refers to another's. */
    @Bean
    public PartitionSettings partitionSettings() {
        PartitionSettings settings = new PartitionSettings();
        settings.setPartitioningEnabled(true);
        settings.setIncludePartitionInSearchHashes(false);
        settings.setAllowReferencesAcrossPartitions(PartitionSettings.CrossPartitionReferenceMode.NOT_ALLOWED);
        return settings;
    }

    @Bean
    public ClinicScopeInterceptor clinicScopeInterceptor(IInterceptorService interceptors) {
        ClinicScopeInterceptor scope = new ClinicScopeInterceptor(new HashSet<>(clinics));
        // Registered with the storage layer, not only the REST server: partition hooks are storage hooks.
        interceptors.registerInterceptor(scope);
        interceptors.registerInterceptor(new ClinicExportInterceptor(new HashSet<>(clinics),
                clinic -> partitionLookup.getPartitionByName(PartitionNames.of(clinic)).getId()));
        return scope;
    }

    @Autowired
    @Lazy
    private JpaStorageSettings storageSettings;

    /** Handed in by {@link JpaServerLauncher}: the forms are filled from the bridge's records, not the store's. */
    @Autowired
    private RemsFormsProvider remsForms;

    @Override
    protected void customize(RestfulServer server) {
        server.registerProvider(new ControlledSubstanceLogProvider(daoRegistry, partitions));
        server.registerProvider(remsForms);
        server.registerProvider(bulkExport);
        server.registerInterceptor(new PagingParameters());
        server.registerInterceptor(new ExportPollScope());
        server.registerInterceptor(new AllowedInteractions(new HashSet<>(clinics)));
        // Kept twice as long as HAPI keeps an unused search: a binding never goes before its search does.
        server.registerInterceptor(new PageLinkScope(new HashSet<>(clinics),
                Duration.ofMillis(storageSettings.getExpireSearchResultsAfterMillis()).multipliedBy(2), Clock.systemUTC()));
        // The public CapabilityStatement would count every partition's resources.
        ((JpaCapabilityStatementProvider) server.getServerConformanceProvider()).setIncludeResourceCounts(false);
        server.registerInterceptor(new FhirFailureLog());
    }
}
