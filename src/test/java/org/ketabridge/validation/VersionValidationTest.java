package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketabridge.db.Receipts;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.ValidatedVersions;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A record version is validated by whichever path maps it first (its EHR's or the auditors'
 * store's); the other reuses the verdict, kept in the bridge's database so it outlives a
 * restart. A version that fails is failed by every path, with the validator's messages.
 */
class VersionValidationTest {

    private static final Instant NOW = Instant.parse("2026-10-06T20:00:00Z");

    private static JdbcTemplate template;
    private static JdbcClient jdbc;
    private static VersionValidation validation;

    @BeforeAll
    static void database() throws Exception {
        template = new JdbcTemplate(TestDatabases.migratedH2("version-validation"));
        jdbc = JdbcClient.create(template);
        new Receipts(template, new com.fasterxml.jackson.databind.ObjectMapper()).insert("receipt-1", "golden", "encounters", "http", NOW, 2, 0, "[]");
        FhirContext fhir = FhirContext.forR4Cached();
        ResourceValidator validator = new ResourceValidator(fhir, GoldenCases.TERMS);
        validation = new VersionValidation(validator, ValidationGate.disabled(fhir), new ValidatedVersions(jdbc), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static long storedVersion(String recordId) {
        return new RecordVersions(template).insertAll(List.of(new RecordVersions.NewVersion("golden", "ENCOUNTER", recordId, 1,
                "MRN-1", recordId, "{}", "hash", "receipt-1", NOW, null))).get(0);
    }

    @Test
    void theSecondMappingOfAValidatedVersionIsNotValidatedAgain() throws Exception {
        long version = storedVersion("E-valid");
        validation.check(version, "golden", GoldenCases.map("encounter-bp-only-vital-set"));

        // Whatever the second path maps is taken on the first path's verdict: so a copy broken
        // on purpose passes, which is what shows that the validator did not run a second time.
        MappedRecord second = GoldenCases.map("encounter-bp-only-vital-set");
        second.resources().stream().map(MappedResource::resource).filter(Observation.class::isInstance)
                .forEach(o -> ((Observation) o).setStatus(null));
        validation.check(version, "golden", second);

        assertThat(jdbc.sql("select count(*) from validated_version where record_version_id = ?").param(version)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aVersionThatFailsIsFailedByEveryPathAndLeavesNoVerdict() throws Exception {
        long version = storedVersion("E-broken");
        for (int path = 0; path < 2; path++) {
            MappedRecord broken = GoldenCases.map("encounter-bp-only-vital-set");
            broken.resources().stream().map(MappedResource::resource).filter(Observation.class::isInstance)
                    .forEach(o -> ((Observation) o).setStatus(null));
            assertThatThrownBy(() -> validation.check(version, "golden", broken))
                    .isInstanceOf(MappingException.class)
                    .hasMessageContaining("fails FHIR validation")
                    .hasMessageContaining("Observation.status");
        }
        assertThat(jdbc.sql("select count(*) from validated_version where record_version_id = ?").param(version)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void versionValidationSkipsTheValidatorOnlyForAnAdmittedShapeWithGoodValues() throws Exception {
        AtomicInteger fullValidations = new AtomicInteger();
        ResourceValidator counting = new ResourceValidator(FhirContext.forR4Cached(), GoldenCases.TERMS) {
            @Override
            public void check(MappedRecord record) {
                fullValidations.incrementAndGet();
                super.check(record);
            }
        };
        VersionValidation gated = new VersionValidation(counting, ValidationGateTest.gate(2, 100), new ValidatedVersions(jdbc),
                Clock.fixed(NOW, ZoneOffset.UTC));
        gated.check(storedVersion("E-gate-1"), "golden", ValidationGateTest.encounter(0));
        gated.check(storedVersion("E-gate-2"), "golden", ValidationGateTest.encounter(1));
        assertThat(fullValidations).hasValue(2);
        gated.check(storedVersion("E-gate-3"), "golden", ValidationGateTest.encounter(2));
        assertThat(fullValidations).as("admitted shape, good values").hasValue(2);

        MappedRecord badValue = ValidationGateTest.encounter(3);
        badValue.resources().stream().map(r -> r.resource()).filter(Observation.class::isInstance).map(Observation.class::cast)
                .forEach(o -> o.getEffectiveDateTimeType().setValueAsString("2026-10"));
        long badVersion = storedVersion("E-gate-4");
        assertThatThrownBy(() -> gated.check(badVersion, "golden", badValue)).isInstanceOf(MappingException.class);
        assertThat(fullValidations).as("a value FastCheck is unsure of goes to the validator").hasValue(3);
    }
}
