package org.ketabridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * Each of {@link ArchitectureRules} catches the break it is for: applied to the fixture tree
 * {@code org.ketabridge.archfixture} (one class per break), every rule reports exactly the
 * classes that break it, and none of the allowed ones. A rule that could never fail would pass
 * {@link ArchitectureTest} for ever; this is what keeps that test honest.
 */
class ArchitectureRulesFailTest {

    private static final String ROOT = "org.ketabridge.archfixture";
    private static final JavaClasses FIXTURE = new ClassFileImporter().importPackages(ROOT);

    @Test
    void aPackageCycleIsReported() {
        assertThat(violations(ArchitectureRules.noPackageCycles(ROOT))).contains("Slice channel", "Slice web");
    }

    @Test
    void mappingThatReadsTheDatabaseOrTheNetworkIsReported() {
        assertThat(violations(ArchitectureRules.mappingDoesNoIo(ROOT)))
                .contains("LeakyMapper", "java.net.http.HttpClient", "archfixture.db.Table");
    }

    @Test
    void anHttpClientOutsideEhrIsReportedAndInsideIsNot() {
        String report = violations(ArchitectureRules.onlyEhrTalksToAnEhr(ROOT));
        assertThat(report).contains("RogueSender", "LeakyMapper").doesNotContain("GoodClient");
    }

    @Test
    void sqlOutsideDbIsReportedAndInsideIsNot() {
        String report = violations(ArchitectureRules.onlyDbRunsSql(ROOT));
        assertThat(report).contains("RogueSql").doesNotContain("Table.count");
    }

    @Test
    void aChannelWritingTablesIsReported() {
        assertThat(violations(ArchitectureRules.channelsReachTheDatabaseOnlyThroughIntake(ROOT))).contains("SneakyChannel");
    }

    @Test
    void intakeThatKnowsHttpIsReported() {
        assertThat(violations(ArchitectureRules.intakeIsChannelAgnostic(ROOT))).contains("HttpAware");
    }

    private static String violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(FIXTURE);
        assertThat(result.hasViolation()).as(rule.getDescription() + " reports the fixture's break").isTrue();
        return String.join("\n", result.getFailureReport().getDetails());
    }
}
