package org.ketabridge.audit;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.ketabridge.db.AccessRecord;
import org.springframework.stereotype.Component;

/**
 * One access record as a FHIR AuditEvent, in the shape of IHE Basic Audit Log Patterns (BALP):
 * a RESTful-operation event with its interaction, who asked (the token's subject, under its
 * issuer; its role; the client's address), the bridge as the server that answered, the outcome
 * (0 success, 4 refused or not found, 8 failed), and as entities the request id, the query or
 * the resource read, and the patient when the request names one. No record content is in it.
 */
@Component
public class AuditEventMapper {

    static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String REQUEST_ID_SYSTEM = "urn:ketabridge:request-id";

    private static final Pattern READ = Pattern.compile("^/fhir/[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}$");
    private static final Pattern VREAD = Pattern.compile("^/fhir/[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}/_history/[^/]+$");
    private static final Pattern HISTORY_INSTANCE = Pattern.compile("^/fhir/[A-Z][A-Za-z]+/[A-Za-z0-9\\-.]{1,64}/_history$");
    private static final Pattern HISTORY_TYPE = Pattern.compile("^/fhir/[A-Z][A-Za-z]+/_history$");
    private static final Pattern SEARCH_TYPE = Pattern.compile("^/fhir/[A-Z][A-Za-z]+(/_search)?$");

    private static final Set<String> RESOURCE_TYPES = FhirContext.forR4Cached().getResourceTypes();

    public static String idOf(AccessRecord record) {
        return "kb-audit-" + record.id();
    }

    public AuditEvent toAuditEvent(AccessRecord r) {
        AuditEvent event = new AuditEvent();
        event.setId(idOf(r));
        event.setType(new Coding(EVENT_TYPE, "rest", "RESTful Operation"));
        String interaction = interaction(r);
        event.addSubtype(new Coding(INTERACTION, interaction, null));
        event.setAction(action(interaction));
        event.setRecorded(Date.from(r.occurredAt()));
        event.setOutcome(r.status() < 400 ? AuditEventOutcome._0 : r.status() < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8);
        event.setOutcomeDesc("HTTP " + r.status());

        AuditEvent.AuditEventAgentComponent user = event.addAgent().setRequestor(true);
        user.setType(new CodeableConcept(new Coding(DICOM, "110153", "Source Role ID")));
        if (r.subject() != null) {
            user.setWho(new Reference().setIdentifier(new Identifier().setSystem(r.issuer()).setValue(r.subject())));
            user.setAltId(r.subject());
            user.addRole().setText(r.role());
        } else {
            user.setWho(new Reference().setDisplay("no valid bearer token"));
        }
        if (r.clientAddress() != null) {
            user.getNetwork().setAddress(r.clientAddress()).setType(AuditEventAgentNetworkType._2);
        }
        event.addAgent().setRequestor(false)
                .setType(new CodeableConcept(new Coding(DICOM, "110152", "Destination Role ID")))
                .setWho(new Reference().setDisplay("KetaBridge"));

        event.getSource().setSite("KetaBridge").setObserver(new Reference().setDisplay("KetaBridge"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));

        event.addEntity().setWhat(new Reference().setIdentifier(new Identifier().setSystem(REQUEST_ID_SYSTEM).setValue(r.requestId())))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object")).setDescription("X-Request-Id");
        AuditEvent.AuditEventEntityComponent what = event.addEntity()
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setDescription(r.method() + " " + r.path());
        if (r.query() != null && !r.query().isEmpty()) {
            what.setRole(new Coding(OBJECT_ROLE, "24", "Query")).setQuery(r.query().getBytes(StandardCharsets.UTF_8));
        } else if (r.isFhir() && (interaction.equals("read") || interaction.equals("vread") || interaction.equals("history-instance"))) {
            String resource = r.path().substring("/fhir/".length()).replaceFirst("/_history.*$", "");
            // Only a reference the store can keep: HAPI refuses an AuditEvent naming a type R4 does
            // not have (GET /fhir/Foo/bar), and the path is in the description anyway.
            if (RESOURCE_TYPES.contains(resource.substring(0, resource.indexOf('/')))) {
                what.setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource")).setWhat(new Reference(resource));
            }
        }
        if (r.patientReference() != null) {
            event.addEntity().setWhat(new Reference(r.patientReference()))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                    .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        return event;
    }

    /** The FHIR RESTful interaction of a /fhir request; for the bridge's API, the nearest one. */
    static String interaction(AccessRecord r) {
        String path = r.path();
        if (!r.isFhir()) {
            if (r.method().equals("GET")) {
                return "read";
            }
            return path.contains("/dead-letters") || path.contains("/sync/") ? "operation" : "create";
        }
        if (path.contains("/$")) {
            return "operation";
        }
        if (path.equals("/fhir/metadata")) {
            return "capabilities";
        }
        if (VREAD.matcher(path).matches()) {
            return "vread";
        }
        if (HISTORY_INSTANCE.matcher(path).matches()) {
            return "history-instance";
        }
        if (HISTORY_TYPE.matcher(path).matches()) {
            return "history-type";
        }
        if (path.equals("/fhir/_history")) {
            return "history-system";
        }
        if (SEARCH_TYPE.matcher(path).matches()) {
            return "search-type";
        }
        if (READ.matcher(path).matches()) {
            return "read";
        }
        return "search-system";
    }

    private static AuditEventAction action(String interaction) {
        return switch (interaction) {
            case "create" -> AuditEventAction.C;
            case "operation" -> AuditEventAction.E;
            default -> AuditEventAction.R;
        };
    }
}
