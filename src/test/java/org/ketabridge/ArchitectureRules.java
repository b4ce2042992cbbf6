package org.ketabridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The layout's rules (ARCHITECTURE.md, "Packages"), written for any root package so that
 * {@link ArchitectureRulesFailTest} can prove each one catches a deliberate break in a fixture
 * tree while {@link ArchitectureTest} applies them to the bridge itself.
 */
public final class ArchitectureRules {

    private ArchitectureRules() {
    }

    /** Every package, sub-packages included, is one slice: none may depend on itself through others. */
    public static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    /** Mapping is record in, FHIR out: no database, no network, no queue, no EHR, no validator. */
    public static ArchRule mappingDoesNoIo(String root) {
        return noClasses().that().resideInAPackage(root + ".mapping..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "java.sql..", "javax.sql..", "org.springframework.jdbc..", "java.net..",
                        "ca.uhn.fhir.rest.client..", "org.apache.camel..", "jakarta.servlet..",
                        root + ".db..", root + ".ehr..", root + ".sync..", root + ".validation..",
                        root + ".auditor..", root + ".intake..")
                .as("mapping does no I/O and knows nothing of queues, EHRs or validation");
    }

    /**
     * Only ehr/ opens connections to an EHR (FHIR client, HTTP client, sockets). The one other
     * caller, startup's training run, calls the bridge's own endpoints to warm them up.
     */
    public static ArchRule onlyEhrTalksToAnEhr(String root) {
        return noClasses().that().resideOutsideOfPackages(root + ".ehr..", root + ".startup..")
                .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir.rest.client..", "java.net.http..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
                .as("only ehr/ talks to an EHR");
    }

    /** Only db/ runs SQL against the bridge's own database. */
    public static ArchRule onlyDbRunsSql(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".db..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc.core..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.Connection")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.PreparedStatement")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.sql.ResultSet")
                .as("only db/ runs SQL");
    }

    /** A channel hands records to intake; it never writes the bridge's tables or the queues itself. */
    public static ArchRule channelsReachTheDatabaseOnlyThroughIntake(String root) {
        return noClasses().that().resideInAPackage(root + ".channel..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".db..", root + ".sync..", root + ".ehr..")
                .as("channels reach the database only through intake");
    }

    /** Intake holds the contract's rules for every channel: it knows no channel, no HTTP, no mapping. */
    public static ArchRule intakeIsChannelAgnostic(String root) {
        return noClasses().that().resideInAPackage(root + ".intake..")
                .should().dependOnClassesThat().resideInAnyPackage(root + ".channel..", root + ".web..",
                        "jakarta.servlet..", "org.apache.camel..", root + ".mapping..", root + ".ehr..")
                .as("intake is the same for every channel");
    }

    public static List<ArchRule> all(String root) {
        return List.of(noPackageCycles(root), mappingDoesNoIo(root), onlyEhrTalksToAnEhr(root), onlyDbRunsSql(root),
                channelsReachTheDatabaseOnlyThroughIntake(root), intakeIsChannelAgnostic(root));
    }
}
