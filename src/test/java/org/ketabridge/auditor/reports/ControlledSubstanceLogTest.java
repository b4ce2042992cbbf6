package org.ketabridge.auditor.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.NPI_NURSE;
import static org.ketabridge.support.TestRecords.NPI_WITNESS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestRecords;
import org.ketabridge.support.TestTokens;

/**
 * The controlled-substance record of a realistic month at a store-only clinic (zeta): three
 * patients on six IV ketamine infusions each, two on four esketamine sessions, two ketamine lots
 * and one esketamine lot, waste with witnesses; one infusion stopped for hypertension and one
 * esketamine session not done. What the log shows is checked against the doses sent: every
 * administration of the month once, none of the next month, totals per lot equal to the sums.
 */
class ControlledSubstanceLogTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    record SentDose(String doseId, String medication, String lot, BigDecimal amount, BigDecimal wasted, String status) {
    }

    @Test
    void aMonthsLogListsEveryAdministrationAndItsTotalsPerLotAddUp() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
        String p = TestRecords.prefix();
        List<SentDose> august = new ArrayList<>();
        StringBuilder patients = new StringBuilder();
        StringBuilder doses = new StringBuilder();
        for (int n = 1; n <= 3; n++) {
            String mrn = p + "-K" + n;
            patients.append(TestRecords.patient(mrn)).append('\n');
            for (int s = 1; s <= 6; s++) {
                String doseId = mrn + "-D" + s;
                String lot = s <= 3 ? "KET-A-" + p : "KET-B-" + p;
                int day = 2 + (n - 1) + (s - 1) * 4;
                boolean stopped = n == 2 && s == 3;
                BigDecimal amount = stopped ? new BigDecimal("20") : new BigDecimal("35");
                BigDecimal wasted = stopped ? new BigDecimal("15") : s % 2 == 0 ? new BigDecimal("5") : null;
                doses.append(ketamine(doseId, mrn, day, amount, lot, wasted, stopped)).append('\n');
                august.add(new SentDose(doseId, "ketamine", lot, amount, wasted, stopped ? "stopped" : "completed"));
            }
        }
        for (int n = 1; n <= 2; n++) {
            String mrn = p + "-S" + n;
            patients.append(TestRecords.patient(mrn)).append('\n');
            for (int s = 1; s <= 4; s++) {
                String doseId = mrn + "-D" + s;
                int day = 3 + (n - 1) + (s - 1) * 7;
                boolean notDone = n == 1 && s == 3;
                BigDecimal amount = notDone ? null : new BigDecimal(s == 1 ? "56" : "84");
                BigDecimal wasted = s == 1 ? new BigDecimal("28") : null;
                doses.append(esketamine(doseId, mrn, day, amount, "SPR-" + p, wasted, notDone)).append('\n');
                august.add(new SentDose(doseId, "esketamine", notDone ? null : "SPR-" + p, amount, notDone ? null : wasted,
                        notDone ? "not-done" : "completed"));
            }
        }
        // The first of the next month: not in August's log.
        doses.append(ketamine(p + "-K1-D7", p + "-K1", 32, new BigDecimal("35"), "KET-B-" + p, null, false)).append('\n');

        assertThat(httpPost("/api/v1/clinics/zeta/patients", "application/x-ndjson", patients.toString()).statusCode()).isEqualTo(202);
        HttpResponse<String> sent = httpPost("/api/v1/clinics/zeta/doses", "application/x-ndjson", doses.toString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        assertThat(JSON.readTree(sent.body()).get("rejected").asInt()).as(sent.body()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from store_task where clinic_id = 'zeta'"
                + " and status <> 'STORED'").query(Integer.class).single() == 0);

        String month = "/fhir/MedicationAdministration/$controlled-substance-log?clinic=zeta&start=2026-08-01&end=2026-08-31";
        HttpResponse<String> response = httpGet(month, TestTokens.auditor("zeta"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode log = JSON.readTree(response.body());
        assertThat(log.get("resourceType").asText()).isEqualTo("Parameters");

        List<JsonNode> rows = parameters(log, "administration").stream().filter(r -> part(r, "dose").at("/valueReference/identifier/value")
                .asText().startsWith(p)).toList();
        assertThat(rows).extracting(r -> part(r, "dose").at("/valueReference/identifier/value").asText())
                .as("every administration of August once, none of September")
                .containsExactlyInAnyOrderElementsOf(august.stream().map(SentDose::doseId).toList());

        JsonNode stopped = row(rows, p + "-K2-D3");
        assertThat(part(stopped, "status").get("valueCode").asText()).isEqualTo("stopped");
        assertThat(part(stopped, "statusReason").get("valueCode").asText()).isEqualTo("hypertension");
        assertThat(part(stopped, "amount").at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("20");
        assertThat(part(stopped, "wasted").at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("15");
        assertThat(part(stopped, "witness").at("/valueIdentifier/value").asText()).isEqualTo(NPI_WITNESS);
        assertThat(part(stopped, "administeredBy").at("/valueIdentifier/value").asText()).isEqualTo(NPI_NURSE);
        assertThat(part(stopped, "patient").at("/valueReference/identifier/value").asText()).isEqualTo(p + "-K2");

        JsonNode notDone = row(rows, p + "-S1-D3");
        assertThat(part(notDone, "status").get("valueCode").asText()).isEqualTo("not-done");
        assertThat(part(notDone, "statusReason").get("valueCode").asText()).isEqualTo("patient-request");
        assertThat(part(notDone, "amount").isMissingNode()).as("nothing given").isTrue();

        Map<String, BigDecimal[]> expected = new TreeMap<>();
        for (SentDose d : august) {
            if (d.lot() == null && d.wasted() == null) {
                continue;
            }
            BigDecimal[] t = expected.computeIfAbsent(d.lot(), k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            t[0] = t[0].add(d.amount() == null ? BigDecimal.ZERO : d.amount());
            t[1] = t[1].add(d.wasted() == null ? BigDecimal.ZERO : d.wasted());
        }
        for (JsonNode total : parameters(log, "lotTotal")) {
            String lot = part(total, "lot").path("valueString").asText();
            if (!expected.containsKey(lot)) {
                continue; // another test's lot
            }
            assertThat(part(total, "administered").at("/valueQuantity/value").decimalValue()).as("administered of " + lot)
                    .isEqualByComparingTo(expected.get(lot)[0]);
            assertThat(part(total, "wasted").at("/valueQuantity/value").decimalValue()).as("wasted of " + lot)
                    .isEqualByComparingTo(expected.get(lot)[1]);
            expected.remove(lot);
        }
        assertThat(expected).as("lots without a total").isEmpty();

        // The same for a spreadsheet.
        HttpResponse<String> csv = httpGet(month + "&output=csv", TestTokens.auditor("zeta"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("clinic,effective,dose_id,patient_mrn");
        assertThat(lines).filteredOn(l -> l.contains("," + p + "-K2-D3,"))
                .singleElement().asString().contains(",stopped,hypertension,20,KET-A-" + p + "," + NPI_NURSE + ",15," + NPI_WITNESS);
        assertThat(lines).contains("zeta,ketamine,KET-A-" + p + ",9,300,30");

        // Another clinic's auditor asking for zeta: as if zeta had nothing.
        JsonNode other = JSON.readTree(httpGet(month, TestTokens.auditor("alpha")).body());
        assertThat(parameters(other, "administration")).isEmpty();
        assertThat(httpGet(month.replace("start=2026-08-01", "start=August"), TestTokens.auditor("zeta")).statusCode())
                .as("a bad date").isEqualTo(400);
    }

    private static String ketamine(String doseId, String mrn, int day, BigDecimal amount, String lot, BigDecimal wasted,
                                   boolean stopped) {
        String date = date(day);
        return "{\"doseId\":\"" + doseId + "\",\"encounterId\":\"" + doseId + "-E\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"ketamine\",\"route\":\"IV\",\"status\":\"" + (stopped ? "stopped" : "completed") + "\","
                + (stopped ? "\"statusReason\":\"hypertension\"," : "")
                + "\"doseMg\":" + amount + ",\"weightKg\":70,\"start\":\"" + date + "T09:05:00\",\"end\":\"" + date + "T09:45:00\","
                + "\"lotNumber\":\"" + lot + "\"," + (wasted == null ? "" : "\"wastedMg\":" + wasted + ",\"wasteWitnessNpi\":\"" + NPI_WITNESS + "\",")
                + "\"administeredByNpi\":\"" + NPI_NURSE + "\"}";
    }

    private static String esketamine(String doseId, String mrn, int day, BigDecimal amount, String lot, BigDecimal wasted,
                                     boolean notDone) {
        String date = date(day);
        return "{\"doseId\":\"" + doseId + "\",\"encounterId\":\"" + doseId + "-E\",\"patientMrn\":\"" + mrn + "\","
                + "\"medication\":\"esketamine\",\"route\":\"intranasal\",\"status\":\"" + (notDone ? "not-done" : "completed") + "\","
                + (notDone ? "\"statusReason\":\"patient-request\"," : "\"doseMg\":" + amount + ",\"lotNumber\":\"" + lot + "\",")
                + (wasted == null || notDone ? "" : "\"wastedMg\":" + wasted + ",\"wasteWitnessNpi\":\"" + NPI_WITNESS + "\",")
                + "\"start\":\"" + date + "T13:00:00\",\"administeredByNpi\":\"" + NPI_NURSE + "\"}";
    }

    /** Day 1 to 31 of August 2026; 32 is the first of September. */
    private static String date(int day) {
        return day <= 31 ? String.format("2026-08-%02d", day) : "2026-09-01";
    }

    private static List<JsonNode> parameters(JsonNode parameters, String name) {
        List<JsonNode> found = new ArrayList<>();
        parameters.path("parameter").forEach(p -> {
            if (p.path("name").asText().equals(name)) {
                found.add(p);
            }
        });
        return found;
    }

    private static JsonNode part(JsonNode parameter, String name) {
        for (JsonNode part : parameter.path("part")) {
            if (part.path("name").asText().equals(name)) {
                return part;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode row(List<JsonNode> rows, String doseId) {
        return rows.stream().filter(r -> part(r, "dose").at("/valueReference/identifier/value").asText().equals(doseId))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + doseId));
    }
}
