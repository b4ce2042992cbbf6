package org.ketabridge.auditorstore;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.ketabridge.hapi.HapiJpaServerSupport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;

/**
 * The auditors' FHIR store: HAPI FHIR's JPA server on the bridge's own database (its tables
 * beside the bridge's), one partition per clinic, read-only through /fhir (FhirEndpointServlet). Its Spring
 * context is started by {@link AuditorStore}, off the bridge's start-up path, and has no web
 * server of its own: the bridge's {@link FhirEndpointServlet} hands it the /fhir requests.
 */
public class AuditorStoreConfiguration extends HapiJpaServerSupport {

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
        settings.setDefaultSearchParamsCanBeOverridden(false);
        // An auditor sees what the store holds now: no search answered from a cached earlier result.
        settings.setReuseCachedSearchResultsForMillis(null);
        settings.setHistoryCountMode(ca.uhn.fhir.jpa.api.model.HistoryCountModeEnum.COUNT_ACCURATE);
        // $export: HAPI's bulk export (batch jobs), each export within the caller's partitions.
        settings.setEnableTaskBulkExportJobExecution(true);
        settings.setEnableBulkExportJobReuse(false);
        return settings;
    }

    /** One partition per clinic (named by its id); a resource of one clinic never refers to another's. */
    @Bean
    public PartitionSettings partitionSettings() {
        PartitionSettings settings = new PartitionSettings();
        settings.setPartitioningEnabled(true);
        settings.setIncludePartitionInSearchHashes(false);
        settings.setAllowReferencesAcrossPartitions(PartitionSettings.CrossPartitionReferenceMode.NOT_ALLOWED);
        return settings;
    }

    @org.springframework.beans.factory.annotation.Autowired
    private ca.uhn.fhir.jpa.api.dao.DaoRegistry daoRegistry;

    @org.springframework.beans.factory.annotation.Autowired
    @org.springframework.context.annotation.Lazy
    private ca.uhn.fhir.jpa.partition.IRequestPartitionHelperSvc partitions;

    @org.springframework.beans.factory.annotation.Autowired
    @org.springframework.context.annotation.Lazy
    private ca.uhn.fhir.jpa.partition.IPartitionLookupSvc partitionLookup;

    /** HAPI's own $export provider (defined by its JpaConfig). */
    @org.springframework.beans.factory.annotation.Autowired
    @org.springframework.context.annotation.Lazy
    private ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider bulkExport;

    @Override
    protected void customize(ca.uhn.fhir.rest.server.RestfulServer server) {
        server.registerProvider(new ControlledSubstanceLogProvider(daoRegistry, partitions));
        server.registerProvider(bulkExport);
        server.registerInterceptor(new ExportPollScope());
    }

    @Value("${auditor-store.clinics}")
    private java.util.List<String> clinics;

    @Bean
    public ClinicScopeInterceptor clinicScopeInterceptor(ca.uhn.fhir.interceptor.api.IInterceptorService interceptors) {
        ClinicScopeInterceptor scope = new ClinicScopeInterceptor(new java.util.HashSet<>(clinics));
        // Registered with the storage layer, not only the REST server: partition hooks are storage hooks.
        interceptors.registerInterceptor(scope);
        interceptors.registerInterceptor(new ClinicExportInterceptor(new java.util.HashSet<>(clinics),
                clinic -> partitionLookup.getPartitionByName(clinic).getId()));
        return scope;
    }

}
