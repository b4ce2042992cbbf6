package org.ketabridge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.AccessRecord;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.TestClinics;
import org.ketabridge.validation.ResourceValidator;

/**
 * The AuditEvent of each kind of request is valid FHIR R4 and says what an auditor needs: the
 * interaction, the action, the outcome, who asked, what was asked, and the patient when named.
 */
class AuditEventMapperTest {

    private static final AuditEventMapper MAPPER = new AuditEventMapper();
    private static final ResourceValidator VALIDATOR = validator();

    private static ResourceValidator validator() {
        try {
            ClinicRegistry clinics = TestClinics.registry("UTC", "north");
            return new ResourceValidator(FhirContext.forR4Cached(), new Terminology(FhirContext.forR4Cached(), clinics));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AccessRecord record(String subject, String method, String path, String query, int status, String patient) {
        return new AccessRecord(7, "req-1", Instant.parse("2026-11-27T10:00:00Z"), subject,
                subject == null ? null : "urn:ketabridge:local", subject == null ? null : "auditor",
                subject == null ? null : Set.of("north"), "10.0.0.5", method, path, query, status, "north", patient);
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of(record("aud-1", "GET", "/fhir/Patient/kb-1", null, 200, "Patient/kb-1"), "read", "R", "0"),
                Arguments.of(record("aud-1", "GET", "/fhir/Observation", "subject=Patient%2Fkb-1", 200, "Patient/kb-1"),
                        "search-type", "R", "0"),
                Arguments.of(record("aud-1", "POST", "/fhir/Observation/_search", "subject=Patient%2Fkb-1", 200, "Patient/kb-1"),
                        "search-type", "R", "0"),
                Arguments.of(record("aud-1", "GET", "/fhir/Patient/kb-9", null, 404, "Patient/kb-9"), "read", "R", "4"),
                Arguments.of(record("aud-1", "GET", "/fhir/Patient/kb-1/_history", null, 200, "Patient/kb-1"),
                        "history-instance", "R", "0"),
                Arguments.of(record("aud-1", "GET", "/fhir/MedicationAdministration/$controlled-substance-log",
                        "clinic=north&start=2026-10-01&end=2026-10-31", 200, null), "operation", "E", "0"),
                Arguments.of(record(null, "GET", "/fhir/Patient", "name=x", 401, null), "search-type", "R", "4"),
                Arguments.of(record("it-1", "POST", "/api/v1/clinics/north/doses", null, 202, null), "create", "C", "0"),
                Arguments.of(record("it-1", "POST", "/api/v1/clinics/north/dead-letters/replay", null, 500, null),
                        "operation", "E", "8"));
    }

    @ParameterizedTest(name = "{1} HTTP {0}")
    @MethodSource("requests")
    void eachRequestBecomesAValidAuditEvent(AccessRecord r, String interaction, String action, String outcome) {
        AuditEvent event = MAPPER.toAuditEvent(r);

        assertThat(VALIDATOR.errors(event)).isEmpty();
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo(interaction);
        assertThat(event.getAction().toCode()).isEqualTo(action);
        assertThat(event.getOutcome().toCode()).isEqualTo(outcome);
        assertThat(event.getOutcomeDesc()).isEqualTo("HTTP " + r.status());
        assertThat(event.getAgentFirstRep().getRequestor()).isTrue();
        assertThat(event.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("10.0.0.5");
        if (r.subject() != null) {
            assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(r.subject());
        }
        assertThat(event.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("req-1"));
        if (r.query() != null) {
            assertThat(event.getEntity()).filteredOn(e -> e.getQuery() != null)
                    .extracting(e -> new String(e.getQuery(), java.nio.charset.StandardCharsets.UTF_8)).containsExactly(r.query());
        }
        if (r.patientReference() != null) {
            assertThat(event.getEntity()).anySatisfy(e -> {
                assertThat(e.getWhat().getReference()).isEqualTo(r.patientReference());
                assertThat(e.getRole().getCode()).isEqualTo("1");
            });
        }
    }
}
