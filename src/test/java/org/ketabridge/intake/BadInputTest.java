package org.ketabridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;
import org.ketabridge.support.TestRecords;

/**
 * Every rule of the contract (inbound-records.md), broken at least once over HTTP. Each record
 * is otherwise valid, so the one error the receipt names is the rule under test: right status
 * (422: nothing accepted), the record's line and id, the field, the reason; and nothing of the
 * record is stored, queued or sent.
 */
class BadInputTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments rule(String kind, String description, Consumer<ObjectNode> breakIt, String field, String reason) {
        return Arguments.of(kind, description, breakIt, field, reason);
    }

    private static ObjectNode vital(ObjectNode r, int i) {
        return (ObjectNode) r.get("vitals").get(i);
    }

    static Stream<Arguments> brokenRules() {
        String future = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(30).toString();
        return Stream.of(
                // patient
                rule("patients", "mrn missing", r -> r.remove("mrn"), "mrn", "required"),
                rule("patients", "mrn with a space", r -> r.put("mrn", "M 1"), "mrn", "must be an id"),
                rule("patients", "mrn of 65 characters", r -> r.put("mrn", "M".repeat(65)), "mrn", "must be an id"),
                rule("patients", "familyName missing", r -> r.remove("familyName"), "familyName", "required"),
                rule("patients", "familyName too long", r -> r.put("familyName", "X".repeat(101)), "familyName", "longer than 100"),
                rule("patients", "givenName too long", r -> r.put("givenName", "X".repeat(101)), "givenName", "longer than 100"),
                rule("patients", "birthDate missing", r -> r.remove("birthDate"), "birthDate", "required"),
                rule("patients", "birthDate not YYYY-MM-DD", r -> r.put("birthDate", "12/03/1984"), "birthDate", "YYYY-MM-DD"),
                rule("patients", "birthDate in the future", r -> r.put("birthDate", "2999-01-01"), "birthDate", "future"),
                rule("patients", "birthDate before 1900", r -> r.put("birthDate", "1899-12-31"), "birthDate", "before 1900"),
                rule("patients", "sex not a FHIR gender", r -> r.put("sex", "f"), "sex", "must be one of"),
                // encounter
                rule("encounters", "encounterId missing", r -> r.remove("encounterId"), "encounterId", "required"),
                rule("encounters", "patientMrn missing", r -> r.remove("patientMrn"), "patientMrn", "required"),
                rule("encounters", "status unknown", r -> r.put("status", "done"), "status", "must be one of"),
                rule("encounters", "start missing", r -> r.remove("start"), "start", "required"),
                rule("encounters", "start not ISO 8601", r -> r.put("start", "5 Oct 2026 9am"), "start", "ISO 8601"),
                rule("encounters", "start in the future", r -> r.put("start", future).put("status", "planned").remove("end"), "start", "future"),
                rule("encounters", "end missing when finished", r -> r.remove("end"), "end", "required"),
                rule("encounters", "end before start", r -> r.put("end", "2026-10-05T08:00:00"), "end", "after start"),
                rule("encounters", "end over 24 h after start", r -> r.put("end", "2026-10-06T09:00:01"), "end", "24 h"),
                rule("encounters", "modality unknown", r -> r.put("modality", "oral"), "modality", "must be one of"),
                rule("encounters", "modality missing", r -> r.remove("modality"), "modality", "required"),
                rule("encounters", "indication unknown", r -> r.put("indication", "depression"), "indication", "must be one of"),
                rule("encounters", "sessionNumber 0", r -> r.put("sessionNumber", 0), "sessionNumber", "from 1 to 100"),
                rule("encounters", "sessionNumber 101", r -> r.put("sessionNumber", 101), "sessionNumber", "from 1 to 100"),
                rule("encounters", "sessionNumber not an integer", r -> r.put("sessionNumber", 1.5), "sessionNumber", "integer"),
                rule("encounters", "seriesId not an id", r -> r.put("seriesId", "series #1"), "seriesId", "must be an id"),
                rule("encounters", "practitionerNpi check digit", r -> r.put("practitionerNpi", "1234567890"), "practitionerNpi", "check digit"),
                rule("encounters", "practitionerNpi 9 digits", r -> r.put("practitionerNpi", "123456789"), "practitionerNpi", "10 digits"),
                rule("encounters", "location too long", r -> r.put("location", "R".repeat(101)), "location", "longer than 100"),
                rule("encounters", "monitoringMinutes 601", r -> r.put("monitoringMinutes", 601), "monitoringMinutes", "from 0 to 600"),
                rule("encounters", "vitals not a list", r -> r.put("vitals", "none"), "vitals", "list"),
                rule("encounters", "vital set without at", r -> vital(r, 0).remove("at"), "vitals[0].at", "required"),
                rule("encounters", "vital set 3 h before start", r -> vital(r, 0).put("at", "2026-10-05T05:59:00"), "vitals[0].at", "outside"),
                rule("encounters", "vital set 3 h after end", r -> vital(r, 1).put("at", "2026-10-05T13:01:00"), "vitals[1].at", "outside"),
                rule("encounters", "systolic 301", r -> vital(r, 0).put("systolic", 301), "vitals[0].systolic", "from 40 to 300"),
                rule("encounters", "diastolic 19", r -> vital(r, 0).put("diastolic", 19), "vitals[0].diastolic", "from 20 to 200"),
                rule("encounters", "systolic without diastolic", r -> vital(r, 0).remove("diastolic"), "vitals[0].diastolic", "together"),
                rule("encounters", "diastolic not below systolic", r -> vital(r, 0).put("diastolic", 128), "vitals[0].diastolic", "below systolic"),
                rule("encounters", "heartRate 19", r -> vital(r, 0).put("heartRate", 19), "vitals[0].heartRate", "from 20 to 300"),
                rule("encounters", "respiratoryRate 81", r -> vital(r, 0).put("respiratoryRate", 81), "vitals[0].respiratoryRate", "from 4 to 80"),
                rule("encounters", "spo2 49", r -> vital(r, 0).put("spo2", 49), "vitals[0].spo2", "at least 50"),
                rule("encounters", "sedation 6", r -> vital(r, 1).put("sedation", 6), "vitals[1].sedation", "from 0 to 5"),
                rule("encounters", "vital set with no measure", r -> ((ArrayNode) r.get("vitals")).addObject().put("at", "2026-10-05T10:00:00"), "vitals[2]", "at least one measure"),
                // encounter, contract 1.1: the REMS fields
                rule("encounters", "concomitantMedications value unknown", r -> list(r, "concomitantMedications", "benzodiazepine", "opioid"),
                        "concomitantMedications[1]", "must be one of benzodiazepine, sedative-hypnotic, psychostimulant, maoi"),
                rule("encounters", "concomitantMedications value twice", r -> list(r, "concomitantMedications", "maoi", "maoi"),
                        "concomitantMedications[1]", "repeats concomitantMedications[0]"),
                rule("encounters", "concomitantMedications 'none' in JSON (the CSV cell's word)", r -> list(r, "concomitantMedications", "none"),
                        "concomitantMedications[0]", "an empty list in JSON"),
                rule("encounters", "concomitantMedications not a list", r -> r.put("concomitantMedications", "benzodiazepine"),
                        "concomitantMedications", "must be a list"),
                rule("encounters", "adverseEvents value in other case", r -> list(r, "adverseEvents", "Sedation"),
                        "adverseEvents[0]", "must be one of sedation, dissociation"),
                rule("encounters", "adverseEvents value twice, apart", r -> list(r, "adverseEvents", "sedation", "other", "sedation"),
                        "adverseEvents[2]", "repeats adverseEvents[0]"),
                rule("encounters", "adverseEvents value a number", r -> r.putArray("adverseEvents").add(1),
                        "adverseEvents[0]", "must be one of"),
                rule("encounters", "adverseEvents an object", r -> r.putObject("adverseEvents").put("sedation", true),
                        "adverseEvents", "must be a list"),
                // dose
                rule("doses", "doseId missing", r -> r.remove("doseId"), "doseId", "required"),
                rule("doses", "encounterId missing", r -> r.remove("encounterId"), "encounterId", "required"),
                rule("doses", "medication unknown", r -> r.put("medication", "ketamine-hcl"), "medication", "must be one of"),
                rule("doses", "route unknown", r -> r.put("route", "IO"), "route", "must be one of"),
                rule("doses", "esketamine given IV", r -> r.put("medication", "esketamine").put("doseMg", 56).put("doseMgPerKg", 0.8), "route", "only intranasal"),
                rule("doses", "esketamine not a multiple of 28", r -> r.put("medication", "esketamine").put("route", "intranasal").put("doseMg", 50).remove("doseMgPerKg"), "doseMg", "multiple of 28"),
                rule("doses", "status unknown", r -> r.put("status", "given"), "status", "must be one of"),
                rule("doses", "statusReason missing when stopped", r -> r.put("status", "stopped"), "statusReason", "required"),
                rule("doses", "statusReason missing when not-done", r -> r.put("status", "not-done"), "statusReason", "required"),
                rule("doses", "statusReason unknown", r -> r.put("status", "stopped").put("statusReason", "tired"), "statusReason", "must be one of"),
                rule("doses", "doseMg missing", r -> r.remove("doseMg"), "doseMg", "required"),
                rule("doses", "doseMg 0", r -> r.put("doseMg", 0), "doseMg", "greater than 0"),
                rule("doses", "doseMg 1001", r -> r.put("doseMg", 1001), "doseMg", "at most 1000"),
                rule("doses", "weightKg missing for IV", r -> r.remove("weightKg"), "weightKg", "required"),
                rule("doses", "weightKg 19", r -> r.put("weightKg", 19), "weightKg", "at least 20"),
                rule("doses", "doseMgPerKg over 5", r -> r.put("doseMgPerKg", 5.5), "doseMgPerKg", "at most 5"),
                rule("doses", "doseMg not doseMgPerKg x weightKg", r -> r.put("doseMgPerKg", 0.6), "doseMg", "within 2 %"),
                rule("doses", "start missing", r -> r.remove("start"), "start", "required"),
                rule("doses", "end missing for IV completed", r -> r.remove("end"), "end", "required"),
                rule("doses", "end not after start", r -> r.put("end", "2026-10-05T09:05:00"), "end", "after start"),
                rule("doses", "end over 12 h after start", r -> r.put("end", "2026-10-05T21:05:01"), "end", "12 h"),
                rule("doses", "rate not above 0", r -> r.put("rateMgPerKgPerHour", 0), "rateMgPerKgPerHour", "greater than 0"),
                rule("doses", "lotNumber missing", r -> r.remove("lotNumber"), "lotNumber", "required"),
                rule("doses", "lotNumber too long", r -> r.put("lotNumber", "L".repeat(41)), "lotNumber", "longer than 40"),
                rule("doses", "wastedMg negative", r -> r.put("wastedMg", -1), "wastedMg", "at least 0"),
                rule("doses", "waste without witness", r -> r.remove("wasteWitnessNpi"), "wasteWitnessNpi", "required"),
                rule("doses", "administeredByNpi check digit", r -> r.put("administeredByNpi", "1987654321"), "administeredByNpi", "check digit"),
                // score
                rule("scores", "scoreId missing", r -> r.remove("scoreId"), "scoreId", "required"),
                rule("scores", "instrument unknown", r -> r.put("instrument", "BDI"), "instrument", "must be one of"),
                rule("scores", "neither total nor items", r -> r.remove("items"), "total", "required"),
                rule("scores", "PHQ-9 total 28", r -> { r.remove("items"); r.put("total", 28); }, "total", "from 0 to 27"),
                rule("scores", "PHQ-9 with 8 items", r -> ((ArrayNode) r.get("items")).remove(8), "items", "has 9 items"),
                rule("scores", "PHQ-9 item of 4", r -> ((ArrayNode) r.get("items")).set(2, 4), "items[2]", "from 0 to 3"),
                rule("scores", "items not adding up to total", r -> r.put("total", 20), "total", "sum of items"),
                rule("scores", "QIDS-SR16 with items", r -> r.put("instrument", "QIDS-SR16"), "items", "no items"),
                rule("scores", "effective missing", r -> r.remove("effective"), "effective", "required"),
                rule("scores", "effective in the future", r -> r.put("effective", future), "effective", "future"),
                rule("scores", "timing unknown", r -> r.put("timing", "after"), "timing", "must be one of"),
                rule("scores", "encounterId not an id", r -> r.put("encounterId", "E/1"), "encounterId", "must be an id"),
                // two vital sets at one time would write one vital identifier twice (issue 11, item 8)
                rule("encounters", "two vital sets at one instant, written with other offsets",
                        r -> vital(r, 1).put("at", "2026-10-05T15:00:00Z"), "vitals[1].at", "same time (to the second) as vitals[0].at"),
                rule("encounters", "two vital sets in one second",
                        r -> vital(r, 1).put("at", "2026-10-05T09:00:00.500-06:00"), "vitals[1].at", "same time (to the second) as vitals[0].at"),
                // more vital sets than a session can hold (issue 11, item 16)
                rule("encounters", "1681 vital sets", r -> {
                    ArrayNode vitals = (ArrayNode) r.get("vitals");
                    while (vitals.size() < 1681) {
                        vitals.addObject().put("at", "2026-10-05T10:00:00").put("heartRate", 70);
                    }
                }, "vitals", "at most 1680 vital sets"));
    }

    /** Every number the contract reads, at the values that were truncated, wrapped or crashed the request (issue 11, item 7). */
    static Stream<Arguments> brokenNumbers() {
        String twoTo64Plus = "18446744073709551617"; // 2^64 + 1: a long wraps it to 1
        return Stream.of(
                number("encounters", "sessionNumber", "1e400", "from 1 to 100"),
                number("encounters", "sessionNumber", twoTo64Plus, "from 1 to 100"),
                number("encounters", "sessionNumber", "4294967297", "from 1 to 100"),
                number("encounters", "sessionNumber", "-0", "from 1 to 100"),
                number("encounters", "sessionNumber", "1.0000000000000000001", "must be an integer"),
                number("encounters", "sessionNumber", "\"1\"", "must be an integer"),
                number("encounters", "monitoringMinutes", "-1", "from 0 to 600"),
                number("encounters", "monitoringMinutes", "1e400", "from 0 to 600"),
                number("encounters", "monitoringMinutes", "59.5", "must be an integer"),
                number("encounters", "readyToLeaveMinutes", "601", "from 0 to 600"),
                number("encounters", "readyToLeaveMinutes", "-1", "from 0 to 600"),
                number("encounters", "readyToLeaveMinutes", "45.5", "must be an integer"),
                number("encounters", "readyToLeaveMinutes", "\"45\"", "must be an integer"),
                vitalNumber("systolic", "1e400", "from 40 to 300"),
                vitalNumber("diastolic", "-1e400", "from 20 to 200"),
                vitalNumber("heartRate", "18446744073709551688", "from 20 to 300"), // 2^64 + 72
                vitalNumber("respiratoryRate", "12.5", "must be an integer"),
                vitalNumber("spo2", "1e400", "at most 100"),
                vitalNumber("spo2", "100.0000000000000001", "at most 100"), // a double rounds it to 100
                vitalNumber("spo2", "49.99999999999999999", "at least 50"),
                vitalNumber("sedation", "4294967296", "from 0 to 5"),
                vitalNumber("sedation", "-0.5", "from 0 to 5"),
                doseNumber("doseMg", "1e400", "at most 1000"),
                doseNumber("doseMg", "1000.0000000000000001", "at most 1000"),
                doseNumber("doseMg", "-0.0", "greater than 0"),
                doseNumber("weightKg", "1e400", "at most 350"),
                doseNumber("weightKg", "-70", "at least 20"),
                doseNumber("doseMgPerKg", "1e-400", "at most 18 decimal places"), // a double makes it 0
                doseNumber("doseMgPerKg", "5.0000000000000000001", "at most 5"),
                doseNumber("rateMgPerKgPerHour", "1e400", "finite"),
                doseNumber("rateMgPerKgPerHour", "-1e-400", "greater than 0"),
                doseNumber("wastedMg", "1e400", "finite"),
                doseNumber("wastedMg", "1e-19", "at most 18 decimal places"),
                doseNumber("wastedMg", "\"15\"", "must be a number"),
                rule("scores", "PHQ-9 total 2^64 + 5", r -> { r.remove("items"); r.putRawValue("total", new RawValue("18446744073709551621")); },
                        "total", "from 0 to 27"),
                rule("scores", "PHQ-9 total 1e400", r -> { r.remove("items"); r.putRawValue("total", new RawValue("1e400")); },
                        "total", "from 0 to 27"),
                rule("scores", "PHQ-9 total 2.5", r -> { r.remove("items"); r.putRawValue("total", new RawValue("2.5")); },
                        "total", "must be an integer"),
                rule("scores", "PHQ-9 item 4294967296 (an int makes it 0)", r -> item(r, 8, "4294967296"), "items[8]", "from 0 to 3"),
                rule("scores", "PHQ-9 item 1e400", r -> item(r, 3, "1e400"), "items[3]", "from 0 to 3"),
                rule("scores", "PHQ-9 item -1", r -> item(r, 3, "-1"), "items[3]", "from 0 to 3"),
                rule("scores", "PHQ-9 item 1.5", r -> item(r, 3, "1.5"), "items[3]", "must be an integer"));
    }

    private static void list(ObjectNode record, String field, String... values) {
        ArrayNode list = record.putArray(field);
        for (String value : values) {
            list.add(value);
        }
    }

    private static Arguments number(String kind, String field, String json, String reason) {
        return rule(kind, field + " " + json, r -> r.putRawValue(field, new RawValue(json)), field, reason);
    }

    private static Arguments vitalNumber(String field, String json, String reason) {
        int set = field.equals("sedation") ? 1 : 0;
        return rule("encounters", "vital " + field + " " + json, r -> vital(r, set).putRawValue(field, new RawValue(json)),
                "vitals[" + set + "]." + field, reason);
    }

    private static Arguments doseNumber(String field, String json, String reason) {
        // Without doseMgPerKg (unless under test), so that doseMg x weightKg is not checked too.
        return rule("doses", field + " " + json, r -> {
            r.remove("doseMgPerKg");
            r.putRawValue(field, new RawValue(json));
        }, field, reason);
    }

    private static void item(ObjectNode score, int index, String json) {
        ArrayNode items = (ArrayNode) score.get("items");
        items.set(index, items.rawValueNode(new RawValue(json)));
    }

    /** Integers written as decimals, negative zero, the ends of each range: accepted, and stored as the number they are. */
    static Stream<Arguments> numbersAtTheirBounds() {
        return Stream.of(
                Arguments.of("encounters", (Consumer<ObjectNode>) r -> r.putRawValue("sessionNumber", new RawValue("1.0")), "sessionNumber", "1"),
                Arguments.of("encounters", (Consumer<ObjectNode>) r -> r.putRawValue("sessionNumber", new RawValue("1e2")), "sessionNumber", "100"),
                Arguments.of("encounters", (Consumer<ObjectNode>) r -> r.putRawValue("monitoringMinutes", new RawValue("-0")), "monitoringMinutes", "0"),
                Arguments.of("encounters", (Consumer<ObjectNode>) r -> r.putRawValue("monitoringMinutes", new RawValue("600")), "monitoringMinutes", "600"),
                Arguments.of("doses", (Consumer<ObjectNode>) r -> r.<ObjectNode>without("doseMgPerKg").putRawValue("doseMg", new RawValue("1000")), "doseMg", "1000"),
                Arguments.of("doses", (Consumer<ObjectNode>) r -> r.<ObjectNode>without("doseMgPerKg").putRawValue("weightKg", new RawValue("350.0")), "weightKg", "350.0"),
                Arguments.of("doses", (Consumer<ObjectNode>) r -> r.<ObjectNode>without("wasteWitnessNpi").putRawValue("wastedMg", new RawValue("-0.0")), "wastedMg", "0.0"),
                Arguments.of("scores", (Consumer<ObjectNode>) r -> item(r, 0, "1.0"), "total", "7"));
    }

    @ParameterizedTest(name = "{0}: {2} as {3}")
    @MethodSource("numbersAtTheirBounds")
    void numbersAtTheirBoundsAreAcceptedAsTheNumberTheyAre(String kind, Consumer<ObjectNode> change, String field,
                                                           String stored) throws Exception {
        String p = prefix();
        ObjectNode record = validRecord(kind, p);
        change.accept(record);

        HttpResponse<String> response = httpPost("/api/v1/clinics/gamma/" + kind, "application/x-ndjson", record + "\n");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String content = jdbc.sql("select content from record_version where clinic_id = 'gamma' and record_id like ?")
                .param(p + "%").query(String.class).single();
        assertThat(JSON.readTree(content).get(field).asText()).isEqualTo(stored);
    }

    private static ObjectNode validRecord(String kind, String p) {
        return switch (kind) {
            case "patients" -> parse(TestRecords.patient(p + "-M"));
            case "encounters" -> parse(TestRecords.encounter(p + "-E", p + "-M"));
            case "doses" -> {
                ObjectNode dose = parse(TestRecords.dose(p + "-D", p + "-E", p + "-M"));
                dose.put("doseMgPerKg", 0.5);
                yield dose;
            }
            case "scores" -> parse(TestRecords.score(p + "-S", p + "-E", p + "-M", 1, 1, 2, 1, 0, 1, 1, 0, 0));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource({"brokenRules", "brokenNumbers"})
    void eachBrokenRuleIsRefusedPreciselyAndLeavesNothingBehind(String kind, String description,
                                                                Consumer<ObjectNode> breakIt, String field, String reason)
            throws Exception {
        String p = prefix();
        ObjectNode valid = validRecord(kind, p);
        // The untouched record passes: the rule under test is the only thing wrong below.
        ObjectNode broken = valid.deepCopy();
        breakIt.accept(broken);
        int storedBefore = storedVersions("alpha");

        HttpResponse<String> response = httpPost("/api/v1/clinics/alpha/" + kind, "application/x-ndjson", broken + "\n");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        JsonNode receipt = JSON.readTree(response.body());
        assertThat(receipt.get("accepted").asInt()).isZero();
        assertThat(receipt.get("rejected").asInt()).isEqualTo(1);
        JsonNode rejection = receipt.get("rejections").get(0);
        assertThat(rejection.get("line").asInt()).isEqualTo(1);
        JsonNode errors = rejection.get("errors");
        assertThat(errors).as(errors.toString()).hasSize(1);
        assertThat(errors.get(0).get("field").asText()).isEqualTo(field);
        assertThat(errors.get(0).get("reason").asText()).contains(reason);

        assertThat(storedVersions("alpha")).as("nothing stored").isEqualTo(storedBefore);
        assertThat(jdbc.sql("select count(*) from sync_task where record_id like ?").param(p + "%")
                .query(Integer.class).single()).as("nothing queued").isZero();
        assertThat(FakeEhr.writes(ALPHA_EHR)).filteredOn(w -> w.identifier() != null && w.identifier().contains(p))
                .as("nothing sent").isEmpty();
    }

    @Test
    void aLargeRequestRefusedLineByLineGetsItsWholeReceipt() throws Exception {
        int lines = 30_000; // its rejections are about 2.5 million characters of JSON
        int storedBefore = storedVersions("alpha");

        HttpResponse<String> response = httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", "[]\n".repeat(lines));

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode receipt = JSON.readTree(response.body());
        assertThat(receipt.get("rejected").asInt()).isEqualTo(lines);
        assertThat(receipt.get("rejections")).hasSize(lines);
        assertThat(receipt.get("rejections").get(lines - 1).get("line").asInt()).isEqualTo(lines);
        JsonNode kept = JSON.readTree(httpGet("/api/v1/clinics/alpha/receipts/" + receipt.get("receiptId").asText()).body());
        assertThat(kept.get("rejections")).hasSize(lines);
        assertThat(kept.get("rejections").get(0).get("errors").get(0).get("reason").asText()).isEqualTo("must be a JSON object");
        assertThat(storedVersions("alpha")).as("nothing stored").isEqualTo(storedBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validKinds")
    void theValidBaseRecordsAreAccepted(String kind) {
        HttpResponse<String> response = httpPost("/api/v1/clinics/gamma/" + kind, "application/json",
                validRecord(kind, prefix()).toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    static Stream<String> validKinds() {
        return Stream.of("patients", "encounters", "doses", "scores");
    }
}
