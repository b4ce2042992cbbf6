package org.ketabridge.hapi;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.config.util.ResourceCountCacheUtil;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.support.PropertySourcesPlaceholderConfigurer;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * What every HAPI FHIR JPA server in this project needs, whatever it serves: HAPI's R4 JPA
 * configuration, batch jobs (bulk export), the entity manager on a given data source (H2 or
 * PostgreSQL, told apart by its JDBC URL), paging, and a RestfulServer with HAPI's resource
 * providers and capability statement. Two servers build on it: the auditors' store
 * ({@code auditor.server.AuditorStoreConfiguration}) and the demo EHR
 * ({@code demo.DemoEhrConfiguration}). Neither is a {@code @Configuration} the bridge's component
 * scan could pick up: each is the primary source of a Spring context of its own.
 */
@Import({JpaR4Config.class, JpaBatch2Config.class, Batch2JobsConfig.class,
        SubscriptionChannelConfig.class, ThreadPoolFactoryConfig.class})
@EnableTransactionManagement
public abstract class HapiJpaServerSupport {

    /**
     * A Spring application for a HAPI JPA server's own context: HAPI's configuration needs
     * circular references; its properties are only those given (never the bridge's
     * application.yaml: {@code name} is a config name no file has).
     */
    public static SpringApplication application(Class<? extends HapiJpaServerSupport> configuration,
            WebApplicationType type, String name, Map<String, Object> properties) {
        SpringApplication app = new SpringApplication(configuration);
        app.setWebApplicationType(type);
        app.setAllowCircularReferences(true);
        app.setBannerMode(Banner.Mode.OFF);
        Map<String, Object> all = new HashMap<>(properties);
        all.put("spring.config.name", name + "-none");
        all.put("spring.application.name", name);
        app.setDefaultProperties(all);
        return app;
    }

    /**
     * Storage for a server that receives records out of order, as an EHR does from the bridge:
     * references may point at resources not there yet (a dose before its patient) or never
     * there (practitioners by NPI).
     */
    protected static JpaStorageSettings outOfOrderStorageSettings() {
        JpaStorageSettings settings = new JpaStorageSettings();
        settings.setAllowExternalReferences(true);
        settings.setEnforceReferentialIntegrityOnWrite(false);
        settings.setAutoCreatePlaceholderReferenceTargets(false);
        return settings;
    }

    /** Resolves ${...} placeholders: these contexts have no auto-configuration to do it. */
    @Bean
    public static PropertySourcesPlaceholderConfigurer placeholders() {
        return new PropertySourcesPlaceholderConfigurer();
    }

    @Bean
    public SubscriptionSettings subscriptionSettings() {
        return new SubscriptionSettings();
    }

    @Primary
    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(ConfigurableListableBeanFactory beanFactory,
            DataSource dataSource, FhirContext fhirContext, JpaStorageSettings storageSettings) {
        LocalContainerEntityManagerFactoryBean emf =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        emf.setPersistenceUnitName("HAPI_PU");
        emf.setDataSource(dataSource);
        Properties jpa = new Properties();
        jpa.put("hibernate.dialect", dialectFor(jdbcUrl(dataSource)));
        // HAPI's own tables (HFJ_*, TRM_*, BT2_*), beside and never touching the bridge's.
        jpa.put("hibernate.hbm2ddl.auto", "update");
        jpa.put("hibernate.search.enabled", "false");
        jpa.put("hibernate.format_sql", "false");
        jpa.put("hibernate.show_sql", "false");
        emf.setJpaProperties(jpa);
        return emf;
    }

    private static String jdbcUrl(DataSource dataSource) {
        return dataSource instanceof HikariDataSource hikari ? hikari.getJdbcUrl() : "jdbc:h2:";
    }

    static String dialectFor(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:")
                ? "ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect"
                : "ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect";
    }

    @Primary
    @Bean
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    @Bean
    public IStaleSearchDeletingSvc staleSearchDeletingSvc() {
        return new StaleSearchDeletingSvcImpl();
    }

    @Bean
    public DatabaseBackedPagingProvider databaseBackedPagingProvider() {
        return new DatabaseBackedPagingProvider();
    }

    @Bean
    public IResourceSupportedSvc resourceSupportedSvc(DaoRegistry daoRegistry) {
        return new DaoRegistryResourceSupportedSvc(daoRegistry);
    }

    @Bean(name = "myResourceCountsCache")
    public ResourceCountCache resourceCountsCache(IFhirSystemDao<?, ?> systemDao) {
        return ResourceCountCacheUtil.newResourceCountCache(systemDao);
    }

    @Bean
    public IBinaryStorageSvc binaryStorageSvc() {
        return new DatabaseBinaryContentStorageSvcImpl();
    }

    @Bean
    public RestfulServer restfulServer(IFhirSystemDao<?, ?> systemDao, ResourceProviderFactory providers,
            IJpaSystemProvider systemProvider, JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParams, IValidationSupport validationSupport,
            DatabaseBackedPagingProvider paging) {
        RestfulServer server = new RestfulServer(systemDao.getContext());
        server.registerProviders(providers.createProviders());
        server.registerProvider(systemProvider);
        server.setPagingProvider(paging);
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParams, validationSupport));
        customize(server);
        return server;
    }

    /** What a server adds to HAPI's RestfulServer: interceptors, operations. */
    protected void customize(RestfulServer server) {
    }
}
