package org.ketabridge.operations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrType;
import org.ketabridge.ehr.EhrCheckReport;
import org.ketabridge.ehr.fhir.EhrConnectionCheck;
import org.ketabridge.ehr.hl7v2.MllpConnectionCheck;
import org.ketabridge.web.ClinicGuard;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/clinics/{clinicId}/ehr/check}: clinic IT asks whether the bridge can reach
 * and write their EHR, and what it will do for each resource type ({@link EhrConnectionCheck}); for an
 * HL7 v2 EHR, whether its MLLP listener takes a connection (and a TLS handshake) ({@link MllpConnectionCheck}).
 * Always 200 with what was found ({@code ok} false when anything stands in the way); the check
 * writes nothing to the EHR and nothing to the bridge's queues.
 */
@Component("ehrCheckApi")
public class EhrCheckApi {

    private final ClinicGuard clinics;
    private final EhrConnectionCheck fhirCheck;
    private final MllpConnectionCheck hl7v2Check;
    private final JsonResponses responses;

    public EhrCheckApi(ClinicGuard clinics, EhrConnectionCheck fhirCheck, MllpConnectionCheck hl7v2Check,
                       JsonResponses responses) {
        this.clinics = clinics;
        this.fhirCheck = fhirCheck;
        this.hl7v2Check = hl7v2Check;
        this.responses = responses;
    }

    public void check(Exchange exchange) {
        responses.write(exchange, 200, json(check(clinics.require(exchange))));
    }

    /** The check of a clinic's EHR, by its kind (the web console runs the same). */
    public EhrCheckReport check(Clinic clinic) {
        return clinic.ehr().type() == EhrType.HL7V2 ? hl7v2Check.check(clinic) : fhirCheck.check(clinic);
    }

    /** {@code {clinicId, ok, checkedAt, writeMode, steps:[{step, ok, detail, problem, kind, ...facts}], plan:{Type:{...}}, problems}}. */
    private static Map<String, Object> json(EhrCheckReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clinicId", report.clinicId());
        m.put("ok", report.ok());
        m.put("checkedAt", report.checkedAt().toString());
        if (report.writeMode() != null) {
            m.put("writeMode", report.writeMode());
        }
        List<Map<String, Object>> steps = report.steps().stream().map(s -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", s.step());
            step.put("ok", s.ok());
            step.put("detail", s.detail());
            if (s.problem() != null) {
                step.put("problem", s.problem());
                step.put("kind", s.kind());
            }
            s.facts().forEach(step::putIfAbsent);
            return step;
        }).toList();
        m.put("steps", steps);
        Map<String, Object> plan = new LinkedHashMap<>();
        report.plan().forEach((type, p) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("strategy", p.strategy());
            t.put("source", p.source());
            if (p.ifMatch() != null) {
                t.put("ifMatch", p.ifMatch());
            }
            if (p.identifierSearch() != null) {
                t.put("identifierSearch", p.identifierSearch());
            }
            if (!p.problems().isEmpty()) {
                t.put("problems", p.problems());
            }
            plan.put(type, t);
        });
        m.put("plan", plan);
        m.put("problems", report.problems());
        return m;
    }
}
