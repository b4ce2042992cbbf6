package org.ketabridge.auditor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.ndjson;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.ketabridge.security.Role;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestTokens;

/**
 * The authorization matrix of issue 4: each kind of caller (admin; auditor and clinic IT of the
 * clinic, and of another clinic; no token; an expired token; a token signed by a stranger's key)
 * against each endpoint of the API, the API document and its page (public, issue 17), and each way
 * to reach a resource on /fhir (read, search, _include, _revinclude, _history). Every cell's answer
 * is asserted, what it reveals is asserted,
 * and every request is shown to have left exactly one AuditEvent with the matching outcome, in
 * the partition where the right people can find it.
 */
class AccessMatrixTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What a cell is expected to answer. */
    enum Expect { OK_SEES_GAMMA, OK_SEES_NOTHING, OK_PUBLIC, NOT_FOUND, FORBIDDEN, UNAUTHORIZED }

    /** {@code sameAsGet}: for a search by POST, the same search by GET, whose query the audit trail must show. */
    record Call(String name, String method, String path, String body, String sameAsGet) {
        Call(String name, String method, String path, String body) {
            this(name, method, path, body, null);
        }

        /** A FHIR search by POST, its parameters in a form (and in the URL, if {@code path} has a query). */
        static Call postSearch(String name, String path, String form, String sameAsGet) {
            return new Call(name, "POST", path, form, sameAsGet);
        }

        boolean fhir() {
            return path.startsWith("/fhir");
        }

        boolean searchByPost() {
            return sameAsGet != null;
        }

        /** What the audit trail keeps as the query: the query string of the request, or of the same search by GET. */
        String auditedQuery() {
            return URI.create(searchByPost() ? sameAsGet : path).getRawQuery();
        }

        /** The API document and its page (issue 17): no token needed, no clinic's data in them. */
        boolean apiDocs() {
            return path.startsWith("/api/v1/openapi.") || path.equals("/api/docs");
        }
    }

    record Cell(String caller, Call call, Expect expected, String requestId, int status) {
    }

    @Test
    void everyCallerAgainstEveryEndpointGetsItsAnswerAndLeavesOneAuditEvent() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> httpGet("/fhir/metadata", null).statusCode() == 200);
        String p = prefix();
        String mrn = p + "-M";
        String receipt = receiptOf(httpPost("/api/v1/clinics/gamma/patients", "application/x-ndjson", ndjson(patient(mrn)),
                TestTokens.clinicIt("gamma")));
        httpPost("/api/v1/clinics/gamma/encounters", "application/x-ndjson", ndjson(encounter(p + "-E", mrn)), TestTokens.clinicIt("gamma"));
        httpPost("/api/v1/clinics/gamma/doses", "application/x-ndjson", ndjson(dose(p + "-D", p + "-E", mrn)), TestTokens.clinicIt("gamma"));
        String patientSearch = "/fhir/Patient?identifier=" + enc("urn:ketabridge:gamma/mrn|" + mrn);
        String doseSearch = "/fhir/MedicationAdministration?identifier=" + enc("urn:ketabridge:gamma/dose|" + p + "-D");
        await().atMost(Duration.ofSeconds(60)).until(() -> total(httpGet(doseSearch, TestTokens.admin())) == 1
                && total(httpGet("/fhir/Encounter?identifier=" + enc("urn:ketabridge:gamma/encounter|" + p + "-E"), TestTokens.admin())) == 1);
        String patientId = JSON.readTree(httpGet(patientSearch, TestTokens.admin()).body()).get("entry").get(0).get("resource").get("id").asText();

        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("admin", TestTokens.admin());
        callers.put("auditor of gamma", TestTokens.auditor("gamma"));
        callers.put("auditor of alpha", TestTokens.auditor("alpha"));
        callers.put("clinic IT of gamma", TestTokens.clinicIt("gamma"));
        callers.put("clinic IT of alpha", TestTokens.clinicIt("alpha"));
        callers.put("no token", null);
        callers.put("expired token", TestTokens.expired(Role.AUDITOR, "gamma"));
        callers.put("admin token signed by another key", TestTokens.foreignSigned(Role.ADMIN));

        List<Call> calls = List.of(
                new Call("records in", "POST", "/api/v1/clinics/gamma/patients", ndjson(patient(p + "-N"))),
                new Call("receipt", "GET", "/api/v1/clinics/gamma/receipts/" + receipt, null),
                new Call("sync status", "GET", "/api/v1/clinics/gamma/sync", null),
                new Call("dead letters", "GET", "/api/v1/clinics/gamma/dead-letters", null),
                new Call("replay", "POST", "/api/v1/clinics/gamma/dead-letters/replay", ""),
                new Call("EHR check", "POST", "/api/v1/clinics/gamma/ehr/check", ""),
                new Call("REMS forms", "GET", "/api/v1/clinics/gamma/rems-forms?start=2026-10-05&end=2026-10-05", null),
                new Call("API document", "GET", "/api/v1/openapi.json", null),
                new Call("API document in YAML", "GET", "/api/v1/openapi.yaml", null),
                new Call("API page", "GET", "/api/docs", null),
                new Call("read", "GET", "/fhir/Patient/" + patientId, null),
                new Call("search", "GET", patientSearch, null),
                new Call("_include", "GET", doseSearch + "&_include=MedicationAdministration:subject", null),
                new Call("_revinclude", "GET", patientSearch + "&_revinclude=Encounter:subject", null),
                new Call("_history", "GET", "/fhir/Patient/" + patientId + "/_history", null),
                // FHIR's search with a form body: the same answers, and the same query in the audit trail.
                Call.postSearch("search by POST", "/fhir/Patient/_search", URI.create(patientSearch).getRawQuery(), patientSearch),
                Call.postSearch("_include by POST, URL and form", doseSearch.replace("?", "/_search?"),
                        "_include=MedicationAdministration:subject", doseSearch + "&_include=MedicationAdministration:subject"),
                // The path spelled as HAPI also reads it (a segment percent-encoded): still a search, still audited.
                Call.postSearch("search by POST, path escaped", "/fhir/Patient/%5Fsearch", URI.create(patientSearch).getRawQuery(),
                        patientSearch),
                new Call("operation", "GET", "/fhir/MedicationAdministration/$controlled-substance-log?clinic=gamma"
                        + "&start=2026-10-05&end=2026-10-05", null),
                new Call("REMS operation", "GET", "/fhir/QuestionnaireResponse/$rems-forms?clinic=gamma"
                        + "&start=2026-10-05&end=2026-10-05", null));

        List<Cell> cells = new ArrayList<>();
        SoftAssertions soft = new SoftAssertions();
        for (var caller : callers.entrySet()) {
            for (Call call : calls) {
                Expect expected = expected(caller.getKey(), call);
                String requestId = "matrix-" + UUID.randomUUID();
                HttpResponse<String> response = send(call, caller.getValue(), requestId);
                String cell = caller.getKey() + " × " + call.name();
                cells.add(new Cell(caller.getKey(), call, expected, requestId, response.statusCode()));
                assertAnswer(soft, cell, expected, call, response);
                soft.assertThat(response.headers().firstValue("X-Request-Id")).as(cell + ": request id echoed").hasValue(requestId);
            }
        }
        soft.assertAll();

        // Every request, exactly one audit record, and it becomes an AuditEvent with the right outcome.
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from access_audit where request_id like 'matrix-%'"
                + " and stored_at is null").query(Integer.class).single() == 0);
        SoftAssertions audit = new SoftAssertions();
        for (Cell c : cells) {
            String cell = c.caller() + " × " + c.call().name();
            List<Map<String, Object>> rows = jdbc.sql("select id, query from access_audit where request_id = ?").param(c.requestId())
                    .query().listOfRows();
            audit.assertThat(rows).as(cell + ": audit records").hasSize(1);
            if (rows.size() != 1) {
                continue;
            }
            long row = ((Number) rows.get(0).get("ID")).longValue();
            // What was asked, as a GET's query string (a search by POST: its form's parameters too); never a body.
            audit.assertThat(rows.get(0).get("QUERY")).as(cell + ": the query kept").isEqualTo(c.call().auditedQuery());
            HttpResponse<String> event = httpGet("/fhir/AuditEvent/kb-audit-" + row, TestTokens.admin());
            audit.assertThat(event.statusCode()).as(cell + ": AuditEvent readable by an admin").isEqualTo(200);
            if (event.statusCode() != 200) {
                continue;
            }
            JsonNode e = JSON.readTree(event.body());
            audit.assertThat(queryOf(e)).as(cell + ": the AuditEvent's query").isEqualTo(c.call().auditedQuery());
            String outcome = c.status() < 400 ? "0" : "4";
            audit.assertThat(e.get("outcome").asText()).as(cell + ": outcome (HTTP " + c.status() + ")").isEqualTo(outcome);
            audit.assertThat(e.get("outcomeDesc").asText()).isEqualTo("HTTP " + c.status());
            audit.assertThat(e.at("/agent/0/requestor").asBoolean()).isTrue();
            boolean authenticated = c.expected() != Expect.UNAUTHORIZED && !c.caller().equals("no token");
            audit.assertThat(e.at("/agent/0/who/identifier/value").isMissingNode()).as(cell + ": who").isEqualTo(!authenticated);
            // Where it is kept: the partition of the one clinic the request concerned (the clinic an
            // API call or a /fhir request's clinic parameter names; the clinic of a one-clinic auditor),
            // where that clinic's auditors find it; otherwise the default partition, which only admins read.
            String partition = !c.call().fhir() && !c.call().apiDocs() || c.call().path().contains("clinic=gamma") ? "gamma"
                    : c.caller().equals("auditor of gamma") ? "gamma" : c.caller().equals("auditor of alpha") ? "alpha" : "none";
            for (String clinic : List.of("gamma", "alpha")) {
                audit.assertThat(httpGet("/fhir/AuditEvent/kb-audit-" + row, TestTokens.auditor(clinic)).statusCode())
                        .as(cell + ": visible to " + clinic + "'s auditor").isEqualTo(partition.equals(clinic) ? 200 : 404);
            }
        }
        audit.assertAll();

        // The audit trail cannot be edited through the API, not even by an admin.
        assertThat(send(new Call("edit", "PUT", "/fhir/AuditEvent/kb-audit-1", "{\"resourceType\":\"AuditEvent\"}"),
                TestTokens.admin(), "matrix-edit").statusCode()).isEqualTo(405);
    }

    private static Expect expected(String caller, Call call) {
        boolean badToken = caller.startsWith("expired") || caller.contains("another key");
        if (call.apiDocs()) {
            // Public, but a token that is sent is checked (Spring Security's resource server): a bad one is 401.
            return badToken ? Expect.UNAUTHORIZED : Expect.OK_PUBLIC;
        }
        if (caller.equals("no token") || badToken) {
            return Expect.UNAUTHORIZED;
        }
        if (!call.fhir()) {
            return switch (caller) {
                case "admin", "clinic IT of gamma" -> Expect.OK_SEES_GAMMA;
                case "clinic IT of alpha" -> Expect.NOT_FOUND;
                default -> Expect.FORBIDDEN;
            };
        }
        return switch (caller) {
            case "admin", "auditor of gamma" -> Expect.OK_SEES_GAMMA;
            // A clinic named in a parameter only narrows the caller's scope: another clinic is 404 (issue 11, item 10).
            case "auditor of alpha" -> call.name().equals("read") || call.name().equals("_history") || call.name().endsWith("operation")
                    ? Expect.NOT_FOUND : Expect.OK_SEES_NOTHING;
            default -> Expect.FORBIDDEN;
        };
    }

    private static void assertAnswer(SoftAssertions soft, String cell, Expect expected, Call call, HttpResponse<String> r) throws Exception {
        switch (expected) {
            case UNAUTHORIZED -> soft.assertThat(r.statusCode()).as(cell).isEqualTo(401);
            case FORBIDDEN -> soft.assertThat(r.statusCode()).as(cell).isEqualTo(403);
            case NOT_FOUND -> soft.assertThat(r.statusCode()).as(cell).isEqualTo(404);
            case OK_PUBLIC -> soft.assertThat(r.statusCode()).as(cell).isEqualTo(200);
            case OK_SEES_NOTHING -> {
                soft.assertThat(r.statusCode()).as(cell).isEqualTo(200);
                soft.assertThat(JSON.readTree(r.body()).get("entry")).as(cell + ": nothing of gamma").isNull();
                soft.assertThat(r.body()).as(cell + ": no administration of gamma").doesNotContain("\"administration\"");
            }
            case OK_SEES_GAMMA -> {
                soft.assertThat(r.statusCode()).as(cell).isBetween(200, 202);
                if (call.fhir()) {
                    soft.assertThat(types(r.body())).as(cell + ": what it shows").containsAll(switch (call.name()) {
                        case "_include", "_include by POST, URL and form" -> List.of("MedicationAdministration", "Patient");
                        case "_revinclude" -> List.of("Patient", "Encounter");
                        case "operation", "REMS operation" -> List.of("Parameters");
                        default -> List.of("Patient");
                    });
                    if (call.name().contains("search")) {
                        soft.assertThat(total(r)).as(cell + ": the one patient searched for").isEqualTo(1);
                    }
                    if (call.name().equals("operation")) {
                        soft.assertThat(r.body()).as(cell + ": gamma's dose in the log").contains("\"administration\"");
                    }
                }
            }
        }
    }

    /** The query an AuditEvent records (its Query entity's, decoded), or null when it has none. */
    private static String queryOf(JsonNode auditEvent) {
        for (JsonNode entity : auditEvent.path("entity")) {
            if (entity.has("query")) {
                return new String(Base64.getDecoder().decode(entity.get("query").asText()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The resource types a FHIR answer holds: the resource itself, or a Bundle's entries. */
    private static List<String> types(String body) throws Exception {
        JsonNode json = JSON.readTree(body);
        if (!json.path("resourceType").asText().equals("Bundle")) {
            return List.of(json.path("resourceType").asText());
        }
        List<String> types = new ArrayList<>();
        json.path("entry").forEach(e -> types.add(e.path("resource").path("resourceType").asText()));
        return types;
    }

    private HttpResponse<String> send(Call call, String token, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + call.path()))
                .header("X-Request-Id", requestId).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (call.body() == null) {
            request.GET();
        } else {
            request.header("Content-Type", call.searchByPost() ? "application/x-www-form-urlencoded"
                            : call.fhir() ? "application/fhir+json" : "application/x-ndjson")
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body()));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String receiptOf(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("receiptId").asText();
    }

    private static int total(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("total").asInt(-1);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
