package org.ketabridge.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestRecords;
import org.ketabridge.support.TestTokens;

/**
 * Issue 18, items 3 and 4: three esketamine sessions sent over HTTP to a store-only clinic (desert_sky,
 * America/Phoenix) twelve to ten days ago, so every form not complete is overdue: one complete, one
 * without a blood pressure near 40 minutes, one monitored 95 minutes; and an intranasal ketamine
 * session, which has no form. Then what auditors get from {@code $rems-forms} (Bundle and CSV), what
 * clinic IT gets from {@code /rems-forms}, and the gauge.
 */
class RemsFormsTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLINIC = "desert_sky";
    private static final String OFFSET = "-07:00";

    @Test
    void everySessionsFormWithItsCountsForAuditorsAndClinicIt() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
        String p = TestRecords.prefix();
        LocalDate day = LocalDate.now(ZoneId.of("America/Phoenix")).minusDays(12);
        String mrn = p + "-R";
        String complete = p + "-E1";
        String no40 = p + "-E2";
        String short95 = p + "-E3";
        String ketamine = p + "-E4";
        List<String> encounters = new ArrayList<>();
        List<String> doses = new ArrayList<>();
        // A lot a spreadsheet would run as a formula.
        encounters.add(session(complete, mrn, day, "11:15", "08:55", "09:46", "10:40", "11:10"));
        doses.add(dose(complete, mrn, day, "esketamine", "=LOT" + p));
        encounters.add(session(no40, mrn, day.plusDays(1), "11:15", "08:55", "10:40", "11:10"));
        doses.add(dose(no40, mrn, day.plusDays(1), "esketamine", "L-" + p));
        encounters.add(session(short95, mrn, day.plusDays(2), "10:40", "08:55", "09:45", "10:35"));
        doses.add(dose(short95, mrn, day.plusDays(2), "esketamine", "L-" + p));
        encounters.add(session(ketamine, mrn, day.plusDays(2), "11:15", "08:55", "09:46", "11:10"));
        doses.add(dose(ketamine, mrn, day.plusDays(2), "ketamine", "K-" + p));
        post("patients", TestRecords.patient(mrn));
        post("encounters", String.join("\n", encounters));
        post("doses", String.join("\n", doses));

        String period = "clinic=" + CLINIC + "&start=" + day + "&end=" + day.plusDays(2);
        String operation = "/fhir/QuestionnaireResponse/$rems-forms?" + period;

        // As FHIR: the counts first, then one response per esketamine session, in session order.
        HttpResponse<String> fhir = httpGet(operation, TestTokens.auditor(CLINIC));
        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(fhir.body());
        assertThat(bundle.get("type").asText()).isEqualTo("collection");
        JsonNode counts = bundle.at("/entry/0/resource");
        assertThat(parameter(counts, "complete")).isEqualTo(1);
        assertThat(parameter(counts, "incomplete")).isEqualTo(2);
        assertThat(parameter(counts, "overdue")).isEqualTo(2);
        assertThat(bundle.get("entry")).hasSize(4);
        assertThat(bundle.at("/entry/1/resource/identifier/value").asText()).isEqualTo(complete);
        assertThat(bundle.at("/entry/1/resource/status").asText()).isEqualTo("completed");
        assertThat(bundle.at("/entry/2/resource/identifier/value").asText()).isEqualTo(no40);
        assertThat(bundle.at("/entry/2/resource/status").asText()).isEqualTo("in-progress");
        assertThat(bundle.at("/entry/3/resource/identifier/value").asText()).isEqualTo(short95);
        assertThat(bundle.at("/entry/3/resource/extension/0/valueDate").asText()).isEqualTo(day.plusDays(9).toString());

        // As CSV: the form's items in its order, reasons in their columns, the lot neutralised, counts at the end.
        HttpResponse<String> csv = httpGet(operation + "&output=csv", TestTokens.auditor(CLINIC));
        assertThat(csv.statusCode()).isEqualTo(200);
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("clinic,encounter_id,status,due_date,overdue,patient,patient.unfilled,"
                + "concomitant-medications,concomitant-medications.unfilled,session-date,session-date.unfilled,dose,dose.unfilled,dose-other-mg,dose-other-mg.unfilled,lot,");
        List<String> header = List.of(lines.get(0).split(","));
        assertThat(header.indexOf("bp-40-minutes.systolic")).isLessThan(header.indexOf("bp-before-end.time"));
        assertThat(lines.get(1)).startsWith(CLINIC + "," + complete + ",completed," + day.plusDays(7) + ",false,");
        assertThat(cell(lines.get(1), header, "lot")).isEqualTo("'=LOT" + p);
        assertThat(cell(lines.get(1), header, "bp-40-minutes.systolic")).isEqualTo("138");
        assertThat(cell(lines.get(2), header, "bp-40-minutes.unfilled")).isEqualTo("no-blood-pressure-near-40-minutes");
        assertThat(cell(lines.get(2), header, "overdue")).isEqualTo("true");
        assertThat(cell(lines.get(3), header, "monitoring-minutes.unfilled")).startsWith("monitoring-under-120-minutes");
        assertThat(cell(lines.get(3), header, "monitoring-minutes")).isEmpty();
        assertThat(lines.subList(lines.size() - 3, lines.size())).containsExactly("",
                "clinic,start,end,complete,incomplete,overdue", CLINIC + "," + day + "," + day.plusDays(2) + ",1,2,2");

        // Scope, as every auditor read: another clinic's auditor 404, clinic IT 403.
        assertThat(httpGet(operation, TestTokens.auditor("alpha")).statusCode()).isEqualTo(404);
        assertThat(httpGet(operation, TestTokens.clinicIt(CLINIC)).statusCode()).isEqualTo(403);

        // Clinic IT: the counts, and each incomplete form's encounter, due date and missing items.
        HttpResponse<String> api = httpGet("/api/v1/clinics/" + CLINIC + "/rems-forms?start=" + day + "&end=" + day.plusDays(2),
                TestTokens.clinicIt(CLINIC));
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        JsonNode it = JSON.readTree(api.body());
        assertThat(it.at("/counts/complete").asInt()).isEqualTo(1);
        assertThat(it.at("/counts/incomplete").asInt()).isEqualTo(2);
        assertThat(it.at("/counts/overdue").asInt()).isEqualTo(2);
        assertThat(it.at("/incomplete/0/encounterId").asText()).isEqualTo(no40);
        assertThat(it.at("/incomplete/0/dueDate").asText()).isEqualTo(day.plusDays(8).toString());
        assertThat(it.at("/incomplete/0/overdue").asBoolean()).isTrue();
        assertThat(it.at("/incomplete/0/missing").findValuesAsText("reason")).contains("no-blood-pressure-near-40-minutes");
        assertThat(it.at("/incomplete/1/missing").findValuesAsText("linkId")).contains("monitoring-minutes");
        assertThat(api.body()).doesNotContain(mrn);
        assertThat(httpGet("/api/v1/clinics/" + CLINIC + "/rems-forms?start=" + day, TestTokens.clinicIt(CLINIC)).statusCode())
                .isEqualTo(400);
        assertThat(httpGet("/api/v1/clinics/" + CLINIC + "/rems-forms?start=" + day + "&end=" + day,
                TestTokens.clinicIt("alpha")).statusCode()).isEqualTo(404);

        // The gauge: the last 30 days, which hold these sessions (and no other test's at this clinic).
        PrometheusScrape scrape = await().atMost(Duration.ofSeconds(30)).until(
                () -> PrometheusScrape.of(httpGet("/actuator/prometheus", TestTokens.metrics()).body()),
                s -> s.sum("ketabridge_rems_forms", "clinic", CLINIC, "state", "overdue") >= 2);
        assertThat(scrape.sum("ketabridge_rems_forms", "clinic", CLINIC, "state", "incomplete")).isEqualTo(2);
        assertThat(scrape.sum("ketabridge_rems_forms", "clinic", CLINIC, "state", "overdue")).isEqualTo(2);
    }

    private void post(String kind, String ndjson) throws Exception {
        HttpResponse<String> sent = httpPost("/api/v1/clinics/" + CLINIC + "/" + kind, "application/x-ndjson", ndjson);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        assertThat(JSON.readTree(sent.body()).get("rejected").asInt()).as(sent.body()).isZero();
    }

    /** A finished intranasal session from 09:00 to {@code end}, with a blood pressure at each of {@code vitalTimes}. */
    private static String session(String encounterId, String mrn, LocalDate day, String end, String... vitalTimes) {
        List<String> vitals = new ArrayList<>();
        int systolic = 128;
        for (String at : vitalTimes) {
            vitals.add("{\"at\":\"" + day + "T" + at + ":00" + OFFSET + "\",\"systolic\":" + systolic + ",\"diastolic\":82}");
            systolic += 10;
        }
        return "{\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\",\"status\":\"finished\","
                + "\"start\":\"" + day + "T09:00:00" + OFFSET + "\",\"end\":\"" + day + "T" + end + ":00" + OFFSET + "\","
                + "\"modality\":\"intranasal\",\"vitals\":[" + String.join(",", vitals) + "],"
                + "\"concomitantMedications\":[],\"readyToLeaveMinutes\":80,\"adverseEvents\":[]}";
    }

    private static String dose(String encounterId, String mrn, LocalDate day, String medication, String lot) {
        boolean esketamine = medication.equals("esketamine");
        return "{\"doseId\":\"" + encounterId + "-D\",\"encounterId\":\"" + encounterId + "\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"" + medication + "\",\"route\":\"intranasal\",\"status\":\"completed\","
                + "\"doseMg\":" + (esketamine ? 84 : 50) + ",\"lotNumber\":\"" + lot + "\","
                + "\"start\":\"" + day + "T09:05:00" + OFFSET + "\",\"administeredByNpi\":\"" + TestRecords.NPI_NURSE + "\"}";
    }

    private static int parameter(JsonNode parameters, String name) {
        for (JsonNode p : parameters.get("parameter")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("valueInteger").asInt();
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    /** A cell by its column's name (these rows quote nothing). */
    private static String cell(String line, List<String> header, String column) {
        String[] cells = line.split(",", -1);
        return cells[header.indexOf(column)];
    }
}
