package org.ketabridge.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketabridge.config.WriteStrategy.CONDITIONAL_UPDATE;
import static org.ketabridge.config.WriteStrategy.CREATE_ONLY;
import static org.ketabridge.config.WriteStrategy.CREATE_PATCH;
import static org.ketabridge.config.WriteStrategy.CREATE_UPDATE;
import static org.ketabridge.config.WriteStrategy.MATCH;
import static org.ketabridge.config.WriteStrategy.NONE;
import static org.ketabridge.config.WriteStrategy.TRANSACTION;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.EhrResourceTypes;
import org.ketabridge.config.WriteMode;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.ehr.fhir.WritePlan.Source;
import org.ketabridge.ehr.fhir.WritePlan.TypePlan;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.TestClinics;

/**
 * What the bridge plans for an EHR from its CapabilityStatement (issue 13, slice 1), on three
 * statements kept in {@code src/test/resources/capability-statements/}:
 * <ul>
 * <li>{@code hapi-8.8.0.json}: HAPI FHIR JPA server 8.8.0's own (the demo EHR's {@code GET /fhir/metadata}),
 *     trimmed to the types the bridge writes, search parameter documentation dropped;
 * <li>{@code oracle-like.json}: synthetic, shaped as Oracle Health Millennium R4 documents itself
 *     (no conditional writes, updateCreate false, no transaction, Patient and Encounter create and
 *     patch, Observation create and update without identifier search, MedicationAdministration read-only);
 * <li>{@code epic-like.json}: synthetic, Patient and Observation create only, everything else read.
 * </ul>
 * Clinics are configured as operators configure them (properties checked by ClinicRegistry).
 */
class WritePlanTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Path STATEMENTS = Path.of("src/test/resources/capability-statements");

    static CapabilityStatement statement(String file) throws IOException {
        EhrCapabilities.Reading reading = new EhrCapabilities(ehr("auto"), FHIR).parse(Files.readString(STATEMENTS.resolve(file)));
        assertThat(reading.problem()).isNull();
        return reading.statement().orElseThrow();
    }

    /** A FHIR clinic's EHR connection with this write mode and these {@code ehr.resources} overrides (type, strategy, ...). */
    static EhrConnection ehr(String writeMode, String... overrides) {
        return ehrMatchingBy(null, writeMode, overrides);
    }

    /** As {@link #ehr}, with {@code ehr.patient-identifier-system} (null: not set). */
    static EhrConnection ehrMatchingBy(String patientSystem, String writeMode, String... overrides) {
        Map<String, String> p = new LinkedHashMap<>();
        if (patientSystem != null) {
            p.put("bridge.clinics[0].ehr.patient-identifier-system", patientSystem);
        }
        p.put("bridge.clinics[0].id", "north");
        p.put("bridge.clinics[0].time-zone", "America/Denver");
        p.put("bridge.clinics[0].ehr.type", "fhir");
        p.put("bridge.clinics[0].ehr.base-url", "https://ehr.example.org/fhir");
        p.put("bridge.clinics[0].ehr.write-mode", writeMode);
        for (int i = 0; i < overrides.length; i += 2) {
            p.put("bridge.clinics[0].ehr.resources." + overrides[i], overrides[i + 1]);
        }
        return TestClinics.registry(p).find("north").orElseThrow().ehr();
    }

    private static Map<String, WriteStrategy> strategies(WritePlan plan) {
        Map<String, WriteStrategy> strategies = new LinkedHashMap<>();
        plan.byType().forEach((type, p) -> strategies.put(type, p.strategy()));
        return strategies;
    }

    private static Map<String, WriteStrategy> every(WriteStrategy strategy) {
        Map<String, WriteStrategy> strategies = new LinkedHashMap<>();
        EhrResourceTypes.WRITTEN.forEach(type -> strategies.put(type, strategy));
        return strategies;
    }

    @Test
    void hapisOwnStatementResolvesAutoToTodaysTransaction() throws Exception {
        WritePlan plan = WritePlan.of(ehr("auto"), statement("hapi-8.8.0.json"));

        assertThat(plan.writeMode()).isEqualTo(WriteMode.TRANSACTION);
        assertThat(strategies(plan)).containsExactlyEntriesOf(every(TRANSACTION));
        assertThat(plan.byType().values()).extracting(TypePlan::source).containsOnly(Source.STATEMENT);
        assertThat(plan.statementRead()).isTrue();
        assertThat(plan.software()).contains("HAPI FHIR Server 8.8.0");
        // HAPI declares versioned-update and identifier search for every type that has an identifier.
        assertThat(plan.of("Patient")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(TRANSACTION, Source.STATEMENT, true, true);
        assertThat(plan.of("Provenance").identifierSearch()).as("Provenance has no identifier in R4").isFalse();
        assertThat(plan.summary()).isEqualTo("Patient=transaction Encounter=transaction Observation=transaction"
                + " MedicationAdministration=transaction Provenance=transaction Organization=transaction"
                + " EpisodeOfCare=transaction Flag=transaction QuestionnaireResponse=transaction");
    }

    @Test
    void aHapiLikeServerWithoutTransactionResolvesToPerResource() throws Exception {
        CapabilityStatement statement = statement("hapi-8.8.0.json");
        statement.getRestFirstRep().getInteraction().removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);

        WritePlan plan = WritePlan.of(ehr("auto"), statement);

        assertThat(plan.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(strategies(plan)).containsExactlyEntriesOf(every(CONDITIONAL_UPDATE));
    }

    @Test
    void anOracleLikeEhrIsWrittenPerResourceCreatingAndPatchingOrUpdatingWithIfMatch() throws Exception {
        WritePlan plan = WritePlan.of(ehr("auto"), statement("oracle-like.json"));

        assertThat(strategies(plan)).containsExactly(
                Map.entry("Patient", MATCH), Map.entry("Encounter", CREATE_PATCH), Map.entry("Observation", CREATE_UPDATE),
                Map.entry("MedicationAdministration", NONE), Map.entry("Provenance", NONE), Map.entry("Organization", NONE),
                Map.entry("EpisodeOfCare", NONE), Map.entry("Flag", NONE), Map.entry("QuestionnaireResponse", NONE));
        assertThat(plan.of("Patient")).as("no conditional update of Patient: the EHR's own patients are matched")
                .extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(MATCH, Source.STATEMENT, true, true);
        assertThat(plan.of("Observation")).as("updates need If-Match; no identifier search to find a lost create by")
                .extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(CREATE_UPDATE, Source.STATEMENT, true, false);
        assertThat(plan.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(plan.of("Observation").searchParams()).as("a lost create is looked up by patient, code and date instead")
                .contains("patient", "code", "date");
        // Every strategy is built (issue 13): none is "not accepted by this EHR".
        assertThat(plan.notAccepted("MedicationAdministration"))
                .contains("this EHR does not accept MedicationAdministration (plan: none, from statement)");
        assertThat(plan.notAccepted("Observation")).isEmpty();
        assertThat(plan.summary()).isEqualTo("Patient=match(no conditional update) Encounter=create-patch(If-Match)"
                + " Observation=create-update(If-Match, no identifier search) MedicationAdministration=none Provenance=none"
                + " Organization=none EpisodeOfCare=none Flag=none QuestionnaireResponse=none");
    }

    @Test
    void anEpicLikeEhrTakesCreatesOfPatientsAndObservationsOnly() throws Exception {
        WritePlan plan = WritePlan.of(ehr("auto"), statement("epic-like.json"));

        Map<String, WriteStrategy> expected = every(NONE);
        expected.put("Patient", MATCH);
        expected.put("Observation", CREATE_ONLY);
        assertThat(strategies(plan)).containsExactlyEntriesOf(expected);
        assertThat(plan.of("Patient").source()).isEqualTo(Source.STATEMENT);
        assertThat(plan.of("Observation").ifMatch()).isFalse();
        assertThat(plan.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(plan.summary()).startsWith("Patient=match(no conditional update) Encounter=none"
                + " Observation=create-only(no identifier search) ");
    }

    @Test
    void theOperatorsStrategyWinsOverTheStatement() throws Exception {
        WritePlan oracle = WritePlan.of(ehrMatchingBy("urn:oid:2.16.840.1.113883.3.1234", "auto",
                        "Patient", "match", "Observation", "none", "MedicationAdministration", "create-only"),
                statement("oracle-like.json"));
        assertThat(oracle.of("Patient")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(MATCH, Source.CONFIGURATION, true, true);
        assertThat(oracle.of("Observation")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(NONE, Source.CONFIGURATION, true, false);
        assertThat(oracle.of("MedicationAdministration").strategy()).isEqualTo(CREATE_ONLY);
        assertThat(oracle.of("Encounter")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(CREATE_PATCH, Source.STATEMENT, true, true);
        assertThat(oracle.summary()).startsWith("Patient=match(configured) Encounter=create-patch(If-Match)"
                + " Observation=none(configured) MedicationAdministration=create-only(configured, no identifier search) ");

        // HAPI takes everything, but this clinic's doses are not to go: no longer every type by transaction.
        WritePlan hapi = WritePlan.of(ehr("auto", "MedicationAdministration", "none"), statement("hapi-8.8.0.json"));
        Map<String, WriteStrategy> expected = every(CONDITIONAL_UPDATE);
        expected.put("MedicationAdministration", NONE);
        assertThat(strategies(hapi)).containsExactlyEntriesOf(expected);
        assertThat(hapi.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(hapi.notAccepted("MedicationAdministration"))
                .contains("this EHR does not accept MedicationAdministration (plan: none, from configuration)");
    }

    /**
     * Issue 18: the REMS form (QuestionnaireResponse) goes to a full FHIR server as everything else, but
     * to an EHR without conditional writes of it only when clinic IT names a strategy; left out, it does
     * not keep the other types from their transaction.
     */
    @Test
    void theRemsFormGoesWhereTheEhrIsAFullFhirServerOrWhereConfigured() throws Exception {
        assertThat(WritePlan.of(ehr("per-resource")).of("QuestionnaireResponse").strategy()).isEqualTo(CONDITIONAL_UPDATE);
        assertThat(WritePlan.of(ehr("auto"), statement("hapi-8.8.0.json")).of("QuestionnaireResponse").strategy())
                .isEqualTo(TRANSACTION);

        CapabilityStatement createOnly = statement("hapi-8.8.0.json");
        createOnly.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("QuestionnaireResponse"))
                .forEach(r -> r.setConditionalUpdate(false).setConditionalCreate(false));
        WritePlan commercial = WritePlan.of(ehr("auto"), createOnly);
        assertThat(commercial.of("QuestionnaireResponse").strategy()).as("declared create and update, not conditional").isEqualTo(NONE);
        assertThat(commercial.writeMode()).as("the others still by transaction").isEqualTo(WriteMode.TRANSACTION);
        assertThat(commercial.notAccepted("QuestionnaireResponse")).hasValueSatisfying(why -> assertThat(why)
                .contains("plan: none, from statement").contains("ehr.resources.QuestionnaireResponse"));
        assertThat(WritePlan.of(ehr("auto"), statement("oracle-like.json")).of("QuestionnaireResponse").strategy()).isEqualTo(NONE);

        WritePlan optedIn = WritePlan.of(ehr("auto", "QuestionnaireResponse", "create-update"), createOnly);
        assertThat(optedIn.of("QuestionnaireResponse")).extracting(TypePlan::strategy, TypePlan::source)
                .containsExactly(CREATE_UPDATE, Source.CONFIGURATION);
    }

    // ---- The EHR's patient (issue 13, match) ----

    /**
     * An EHR that takes conditional updates of everything but Patient registers its patients
     * itself: the bridge matches them (source statement), and the other types are written as the
     * statement allows; the transaction is gone with Patient's conditional update.
     */
    @Test
    void anEhrWithoutConditionalUpdateOfPatientHasItsPatientsMatchedByDefault() throws Exception {
        CapabilityStatement statement = statement("hapi-8.8.0.json");
        statement.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient"))
                .forEach(r -> r.setConditionalUpdate(false));

        WritePlan unset = WritePlan.of(ehr("auto"), statement);

        Map<String, WriteStrategy> expected = every(CONDITIONAL_UPDATE);
        expected.put("Patient", MATCH);
        assertThat(strategies(unset)).containsExactlyEntriesOf(expected);
        assertThat(unset.of("Patient")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch,
                TypePlan::identifierSearch).containsExactly(MATCH, Source.STATEMENT, true, true);
        assertThat(unset.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(unset.summary()).startsWith("Patient=match(no conditional update) Encounter=conditional-update ");
        assertThat(unset.patientMode()).isEqualTo("match");
        assertThat(unset.patients()).isEqualTo("matched, but ehr.patient-identifier-system is not set");
        assertThat(unset.patientProblem()).hasValueSatisfying(p -> assertThat(p)
                .contains("declares no conditional update of Patient").contains("set it to the identifier system"));

        WritePlan set = WritePlan.of(ehrMatchingBy("https://hospital.example.org/mrn", "auto"), statement);
        assertThat(set.patients()).isEqualTo("matched by https://hospital.example.org/mrn");
        assertThat(set.patientProblem()).isEmpty();

        // The operator overrules the statement: this EHR's Patient is written after all.
        WritePlan written = WritePlan.of(ehr("auto", "Patient", "conditional-update"), statement);
        assertThat(written.of("Patient")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch,
                TypePlan::identifierSearch).containsExactly(CONDITIONAL_UPDATE, Source.CONFIGURATION, true, true);
        assertThat(written.patientMode()).isEqualTo("upsert");
        assertThat(written.patientProblem()).isEmpty();
    }

    @Test
    void patientsAreWrittenWhereverTheStatementAllowsConditionalUpdateOrIsNotRead() throws Exception {
        assertThat(WritePlan.of(ehr("auto"), statement("hapi-8.8.0.json")).patientMode()).isEqualTo("upsert");
        assertThat(WritePlan.of(ehr("auto")).patientMode()).as("statement not read: assumed conditional-update").isEqualTo("upsert");
        assertThat(WritePlan.of(ehr("transaction")).patientMode()).isEqualTo("upsert");
        assertThat(WritePlan.of(ehr("per-resource")).patients()).isEqualTo("upsert (the bridge writes each Patient)");
    }

    @Test
    void aProvenanceWrittenToTheBridgesOwnIdNeedsAnUpdateThatMayCreate() throws Exception {
        CapabilityStatement statement = statement("hapi-8.8.0.json");
        statement.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Provenance"))
                .forEach(r -> r.setUpdateCreate(false));

        WritePlan plan = WritePlan.of(ehr("auto"), statement);

        assertThat(plan.of("Provenance").strategy()).isEqualTo(CREATE_UPDATE);
        assertThat(plan.of("Patient").strategy()).as("no longer every type by transaction").isEqualTo(CONDITIONAL_UPDATE);
        assertThat(plan.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
    }

    @Test
    void aConfiguredWriteModeIsPlannedFromTheConfigurationAlone() {
        WritePlan transaction = WritePlan.of(ehr("transaction"));
        assertThat(transaction.writeMode()).isEqualTo(WriteMode.TRANSACTION);
        assertThat(strategies(transaction)).containsExactlyEntriesOf(every(TRANSACTION));
        assertThat(transaction.byType().values()).extracting(TypePlan::source).containsOnly(Source.WRITE_MODE);
        assertThat(transaction.statementRead()).isFalse();

        WritePlan perResource = WritePlan.of(ehr("per-resource", "MedicationAdministration", "none"));
        assertThat(perResource.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(perResource.of("Patient")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(CONDITIONAL_UPDATE, Source.WRITE_MODE, false, false);
        assertThat(perResource.of("MedicationAdministration")).extracting(TypePlan::strategy, TypePlan::source, TypePlan::ifMatch, TypePlan::identifierSearch)
                .containsExactly(NONE, Source.CONFIGURATION, false, false);

        WritePlan autoUnread = WritePlan.of(ehr("auto"));
        assertThat(autoUnread.writeMode()).isEqualTo(WriteMode.PER_RESOURCE);
        assertThat(strategies(autoUnread)).containsExactlyEntriesOf(every(CONDITIONAL_UPDATE));
        assertThat(autoUnread.byType().values()).extracting(TypePlan::source).containsOnly(Source.ASSUMED);
    }

    @Test
    void anAnswerThatIsNotACapabilityStatementSaysSoWithoutQuotingIt() {
        EhrCapabilities capabilities = new EhrCapabilities(ehr("auto"), FHIR);
        EhrCapabilities.Reading notFhir = capabilities.parse("<html><body>Patient Jane Doe not found</body></html>");
        assertThat(notFhir.ok()).isFalse();
        assertThat(notFhir.problem()).startsWith("EHR's answer to GET metadata is not an R4 CapabilityStatement")
                .doesNotContain("Jane");
        EhrCapabilities.Reading outcome = capabilities.parse("{\"resourceType\":\"OperationOutcome\",\"issue\":[]}");
        assertThat(outcome.ok()).isFalse();
    }

    /** A type the mappers write but the plan does not know would be written unplanned: every mapped type is planned. */
    @Test
    void everyTypeTheMappersWriteIsPlanned() throws Exception {
        Set<String> mapped = new TreeSet<>();
        for (String c : GoldenCases.cases().toList()) {
            GoldenCases.map(c).resources().stream().map(MappedResource::resourceType).forEach(mapped::add);
        }
        assertThat(mapped).contains("Flag").isSubsetOf(EhrResourceTypes.WRITTEN);
    }
}
