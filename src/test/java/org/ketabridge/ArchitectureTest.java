package org.ketabridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layout's rules, checked on every build (ARCHITECTURE.md, "Packages"): a package's name says
 * what it holds only while these hold. Each rule was seen failing on a deliberate break
 * ({@code ArchitectureRulesFailTest} keeps that proof).
 */
@AnalyzeClasses(packages = "org.ketabridge", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

    /** Every package, sub-packages included, is one slice: none may depend on itself through others. */
    @ArchTest
    public static final ArchRule NO_PACKAGE_CYCLES = slices().matching("org.ketabridge.(**)")
            .should().beFreeOfCycles();

    /** Mapping is record in, FHIR out: no database, no network, no queue, no EHR, no validator. */
    @ArchTest
    public static final ArchRule MAPPING_DOES_NO_IO = noClasses().that().resideInAPackage("org.ketabridge.mapping..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "java.sql..", "javax.sql..", "org.springframework.jdbc..", "java.net..",
                    "ca.uhn.fhir.rest.client..", "org.apache.camel..", "jakarta.servlet..",
                    "org.ketabridge.db..", "org.ketabridge.ehr..", "org.ketabridge.sync..",
                    "org.ketabridge.validation..", "org.ketabridge.auditor..", "org.ketabridge.intake..")
            .as("mapping does no I/O and knows nothing of queues, EHRs or validation");

    /**
     * Only ehr/ opens connections to an EHR (FHIR client, HTTP client, sockets). The one other
     * caller, startup's training run, calls the bridge's own endpoints to warm them up.
     */
    @ArchTest
    public static final ArchRule ONLY_EHR_TALKS_TO_AN_EHR = noClasses()
            .that().resideOutsideOfPackages("org.ketabridge.ehr..", "org.ketabridge.startup..")
            .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir.rest.client..", "java.net.http..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
            .as("only ehr/ talks to an EHR");

    /** Only db/ runs SQL against the bridge's own database. */
    @ArchTest
    public static final ArchRule ONLY_DB_RUNS_SQL = noClasses().that().resideOutsideOfPackage("org.ketabridge.db..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc.core..", "org.springframework.jdbc.core.simple..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.Connection")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.PreparedStatement")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.ResultSet")
            .as("only db/ runs SQL");

    /** A channel hands records to intake; it never writes the bridge's tables itself. */
    @ArchTest
    public static final ArchRule CHANNELS_REACH_THE_DATABASE_ONLY_THROUGH_INTAKE = noClasses()
            .that().resideInAPackage("org.ketabridge.channel..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ketabridge.db..", "org.ketabridge.sync..", "org.ketabridge.ehr..")
            .as("channels reach the database only through intake");

    /** Intake holds the contract's rules for every channel: it knows no channel, no HTTP. */
    @ArchTest
    public static final ArchRule INTAKE_IS_CHANNEL_AGNOSTIC = noClasses().that().resideInAPackage("org.ketabridge.intake..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ketabridge.channel..", "org.ketabridge.web..",
                    "jakarta.servlet..", "org.apache.camel..", "org.ketabridge.mapping..", "org.ketabridge.ehr..")
            .as("intake is the same for every channel");
}
