package org.ketabridge.mapping.rems;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.config.Clinic;
import org.ketabridge.mapping.Codes;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.TestClinics;
import org.ketabridge.validation.ResourceValidator;

/**
 * Golden cases of the REMS form: in {@code src/test/resources/rems-form/}, one folder per case, a
 * session ({@code session.json}, a {@link RemsSession} as JSON; {@code session-v2.json} the same
 * session after its records were corrected) beside the exact QuestionnaireResponse it must fill
 * ({@code expected.json}, {@code expected-v2.json}). Each expected response is also validated by
 * the bridge's validator against the Questionnaire of fhir-mapping/. Clinic {@code golden}
 * (America/Denver). {@code -Dgolden.update=true} rewrites the expected files, as for the mapping's
 * golden cases.
 */
class RemsFormGoldenTest {

    static final Path CASES = Path.of("src/test/resources/rems-form");
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    static final Clinic CLINIC = TestClinics.clinic("golden", "America/Denver");
    static final Terminology TERMS = terms();
    static final RemsFormFiller FILLER = new RemsFormFiller(TERMS);
    static final ResourceValidator VALIDATOR = new ResourceValidator(FHIR, TERMS);
    /** Offsets kept as written: the session's date is that of its start in the clinic's zone. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private static Terminology terms() {
        try {
            return new Terminology(FHIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every session file, as {@code case/session.json} or {@code case/session-v2.json}. */
    static Stream<String> sessions() throws IOException {
        try (Stream<Path> files = Files.walk(CASES, 2)) {
            return files.filter(f -> f.getFileName().toString().matches("session(-v\\d+)?\\.json"))
                    .map(f -> CASES.relativize(f).toString().replace('\\', '/')).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessions")
    void eachSessionFillsExactlyItsExpectedResponse(String session) throws IOException {
        IParser parser = FHIR.newJsonParser().setPrettyPrint(true);
        String actual = parser.encodeResourceToString(fill(session)) + "\n";
        GoldenCases.compareOrRewrite(CASES.resolve(expectedOf(session)), actual);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessions")
    void eachExpectedResponseIsValidAgainstTheQuestionnaire(String session) throws IOException {
        QuestionnaireResponse expected = expected(expectedOf(session));
        assertThat(VALIDATOR.errors(expected)).as(session).isEmpty();
    }

    @Test
    void aCompleteSessionIsACompletedFormDueAWeekAfterTheSession() throws IOException {
        QuestionnaireResponse form = fill("complete-session/session.json");
        assertThat(form.getStatus()).isEqualTo(QuestionnaireResponseStatus.COMPLETED);
        assertThat(form.getExtensionByUrl(Codes.KB_REMS_DUE_DATE).getValue().primitiveValue()).isEqualTo("2026-10-12");
        assertThat(unfilled(form)).as("only the clinician's own judgement is left")
                .containsOnly(Map.entry("vitals-acceptable-before-dose", "clinician-attestation"),
                        Map.entry("vitals-acceptable-before-end", "clinician-attestation"));
        assertThat(answer(form, "monitoring-minutes")).isEqualTo("130");
        assertThat(answer(form, "dose")).isEqualTo("84mg");
        assertThat(bloodPressure(form, "bp-before-dose")).isEqualTo("2026-10-05T08:55:00-06:00 128/82");
        assertThat(bloodPressure(form, "bp-40-minutes")).isEqualTo("2026-10-05T09:46:00-06:00 138/86");
        assertThat(bloodPressure(form, "bp-before-end")).isEqualTo("2026-10-05T11:10:00-06:00 124/80");
        assertThat(item(form, "concomitant-medications").getAnswerFirstRep().getValueCoding().getCode()).isEqualTo("none");
    }

    @Test
    void aSessionWithoutAReadingNear40MinutesSaysSoAndStaysInProgress() throws IOException {
        QuestionnaireResponse form = fill("no-40-minute-reading/session.json");
        assertThat(form.getStatus()).isEqualTo(QuestionnaireResponseStatus.INPROGRESS);
        assertThat(unfilled(form)).containsEntry("bp-40-minutes", "no-blood-pressure-near-40-minutes")
                .doesNotContainKeys("bp-before-dose", "bp-before-end");
        assertThat(item(form, "bp-40-minutes").getItem()).as("its questions, unanswered").hasSize(3)
                .allMatch(part -> part.getAnswer().isEmpty());
    }

    @Test
    void aSessionMonitored95MinutesHasNoMonitoringAnswerButItsMinutesInTheReason() throws IOException {
        QuestionnaireResponse form = fill("monitored-95-minutes/session.json");
        assertThat(form.getStatus()).isEqualTo(QuestionnaireResponseStatus.INPROGRESS);
        assertThat(unfilled(form)).containsEntry("monitoring-minutes", "monitoring-under-120-minutes");
        assertThat(item(form, "monitoring-minutes").getAnswer()).isEmpty();
        assertThat(reason(item(form, "monitoring-minutes")).getText()).contains("95 minutes");
    }

    @Test
    void twoDevicesDosesAddUpAndEachLotIsListedOnce() throws IOException {
        QuestionnaireResponse form = fill("two-devices-doses/session.json");
        assertThat(form.getStatus()).isEqualTo(QuestionnaireResponseStatus.COMPLETED);
        assertThat(answer(form, "dose")).as("28 + 28 mg; the dose not done adds nothing").isEqualTo("56mg");
        assertThat(item(form, "lot").getAnswer()).extracting(a -> a.getValueStringType().getValue())
                .containsExactly("ESK-LOT-2041", "ESK-LOT-2107");
        assertThat(answer(form, "monitoring-minutes")).as("from the first device, 09:05").isEqualTo("135");
    }

    @Test
    void eventsAndMedicationsAreAnsweredWithTheirCodes() throws IOException {
        QuestionnaireResponse form = fill("session-with-events/session.json");
        assertThat(form.getStatus()).isEqualTo(QuestionnaireResponseStatus.COMPLETED);
        assertThat(item(form, "adverse-events").getAnswer()).extracting(a -> a.getValueCoding().getCode())
                .containsExactly("sedation", "dissociation", "respiratory-depression", "blood-pressure-increase", "other");
        assertThat(item(form, "concomitant-medications").getAnswer()).extracting(a -> a.getValueCoding().getSystem())
                .containsOnly("http://ketabridge.org/fhir/CodeSystem/medication-class");
    }

    @Test
    void aCorrectedSessionIsTheSameFormChangedOnlyWhereTheRecordChanged() throws IOException {
        QuestionnaireResponse first = fill("corrected-later/session.json");
        QuestionnaireResponse corrected = fill("corrected-later/session-v2.json");
        assertThat(corrected.getIdentifier().getValue()).isEqualTo(first.getIdentifier().getValue());
        assertThat(corrected.getIdentifier().getSystem()).isEqualTo(first.getIdentifier().getSystem());
        assertThat(first.getStatus()).isEqualTo(QuestionnaireResponseStatus.INPROGRESS);
        assertThat(unfilled(first)).containsEntry("ready-to-leave-minutes", "ready-to-leave-not-recorded")
                .containsEntry("adverse-events", "events-not-recorded");
        assertThat(corrected.getStatus()).isEqualTo(QuestionnaireResponseStatus.COMPLETED);

        // end 11:20 → 11:25, readyToLeaveMinutes and adverseEvents now sent: those three items, nothing else
        Map<String, String> before = itemsAsJson(first);
        Map<String, String> after = itemsAsJson(corrected);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        List<String> changed = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).sorted().toList();
        assertThat(changed).containsExactly("adverse-events", "monitoring-minutes", "ready-to-leave-minutes");
        assertThat(answer(corrected, "monitoring-minutes")).isEqualTo("140");
    }

    /** The form and its answer sets are valid R4 themselves. */
    @Test
    void theQuestionnaireItsValueSetsAndCodeSystemsAreValidR4() {
        List<Resource> definitions = new ArrayList<>(TERMS.questionnaires());
        definitions.addAll(TERMS.valueSets());
        TERMS.codeSystems().stream().filter(cs -> cs.getUrl().contains("/rems-")).forEach(definitions::add);
        assertThat(definitions).hasSizeGreaterThanOrEqualTo(7);
        for (Resource definition : definitions) {
            assertThat(VALIDATOR.errors(definition)).as(definition.fhirType() + " " + definition.getIdPart()).isEmpty();
        }
    }

    /** The validator reads the Questionnaire: each break of it is an error, so the zero errors above mean something. */
    @Test
    void aResponseThatBreaksTheQuestionnaireFailsValidation() throws IOException {
        QuestionnaireResponse under120 = fill("complete-session/session.json");
        item(under120, "monitoring-minutes").getAnswerFirstRep().setValue(new IntegerType(95));
        assertThat(VALIDATOR.errors(under120)).anySatisfy(e -> assertThat(e).contains("minimum of 120"));

        QuestionnaireResponse missingRequired = fill("complete-session/session.json");
        missingRequired.getItem().removeIf(i -> i.getLinkId().equals("adverse-events"));
        assertThat(VALIDATOR.errors(missingRequired)).as("completed without a required item")
                .anySatisfy(e -> assertThat(e).contains("adverse-events"));

        QuestionnaireResponse wrongVocabulary = fill("session-with-events/session.json");
        item(wrongVocabulary, "concomitant-medications").getAnswerFirstRep()
                .setValue(new Coding("http://ketabridge.org/fhir/CodeSystem/adverse-event", "sedation", "Sedation"));
        assertThat(VALIDATOR.errors(wrongVocabulary)).as("a real code, but not one of the item's answers")
                .anySatisfy(e -> assertThat(e).contains("not in the options value set"));

        QuestionnaireResponse strayItem = fill("complete-session/session.json");
        strayItem.addItem().setLinkId("not-on-the-form").addAnswer().setValue(new StringType("x"));
        assertThat(VALIDATOR.errors(strayItem)).anySatisfy(e -> assertThat(e).contains("not-on-the-form"));
    }

    static QuestionnaireResponse fill(String session) throws IOException {
        return FILLER.fill(CLINIC, JSON.readValue(CASES.resolve(session).toFile(), RemsSession.class));
    }

    private static String expectedOf(String session) {
        int slash = session.lastIndexOf('/');
        return session.substring(0, slash + 1) + session.substring(slash + 1).replace("session", "expected");
    }

    private static QuestionnaireResponse expected(String file) throws IOException {
        return FHIR.newJsonParser().parseResource(QuestionnaireResponse.class, Files.readString(CASES.resolve(file)));
    }

    static QuestionnaireResponseItemComponent item(QuestionnaireResponse form, String linkId) {
        return form.getItem().stream().filter(i -> i.getLinkId().equals(linkId)).findFirst()
                .orElseThrow(() -> new AssertionError("no item " + linkId));
    }

    static String answer(QuestionnaireResponse form, String linkId) {
        var value = item(form, linkId).getAnswerFirstRep().getValue();
        return value instanceof Coding c ? c.getCode() : value.primitiveValue();
    }

    private static String bloodPressure(QuestionnaireResponse form, String group) {
        Map<String, String> parts = item(form, group).getItem().stream().collect(Collectors.toMap(
                QuestionnaireResponseItemComponent::getLinkId, i -> i.getAnswerFirstRep().getValue().primitiveValue()));
        return parts.get(group + ".time") + " " + parts.get(group + ".systolic") + "/" + parts.get(group + ".diastolic");
    }

    static CodeableConcept reason(QuestionnaireResponseItemComponent item) {
        return (CodeableConcept) item.getExtensionByUrl(Codes.KB_REMS_UNFILLED_REASON).getValue();
    }

    /** Each item that carries a reason, by linkId, with the reason's code. */
    static Map<String, String> unfilled(QuestionnaireResponse form) {
        return form.getItem().stream().filter(i -> i.hasExtension(Codes.KB_REMS_UNFILLED_REASON))
                .collect(Collectors.toMap(QuestionnaireResponseItemComponent::getLinkId, i -> reason(i).getCodingFirstRep().getCode()));
    }

    private static Map<String, String> itemsAsJson(QuestionnaireResponse form) {
        IParser parser = FHIR.newJsonParser();
        return form.getItem().stream().collect(Collectors.toMap(QuestionnaireResponseItemComponent::getLinkId,
                i -> parser.encodeResourceToString(new QuestionnaireResponse().addItem(i.copy()))));
    }
}
