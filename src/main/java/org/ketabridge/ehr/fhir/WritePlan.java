package org.ketabridge.ehr.fhir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.EhrResourceTypes;
import org.ketabridge.config.WriteMode;
import org.ketabridge.config.WriteStrategy;

/**
 * How the bridge writes each resource type to one clinic's FHIR EHR, and the write mode that
 * follows (issue 13's design, section 3). Made from the clinic's configuration and, with
 * {@code write-mode: auto}, the EHR's CapabilityStatement:
 *
 * <ul>
 * <li>{@code ehr.resources.<Type>} wins for its type (source {@link Source#CONFIGURATION});
 * <li>{@code write-mode: transaction} or {@code per-resource} makes every other type
 *     {@code transaction} or {@code conditional-update} ({@link Source#WRITE_MODE}): the statement
 *     is not consulted, as before;
 * <li>{@code write-mode: auto} decides each other type from the statement ({@link Source#STATEMENT}):
 *     {@code conditional-update} when it declares update and conditional update; else
 *     {@code conditional-create} (create, conditional create); else {@code create-update} (create,
 *     update), {@code create-patch} (create, patch), {@code create-only} (create); else {@code none}
 *     (type absent or no create). Provenance, which the bridge writes to an id of its own
 *     ({@code PUT Provenance/kb-...}), needs update that may create instead: update, and
 *     {@code updateCreate} not declared false (HAPI does not state it; Oracle Health says false).
 *     Patient is the exception: an EHR that takes no conditional update of it (anything the
 *     statement allows other than {@code conditional-update}) is one whose front desk registers
 *     patients itself, and the bridge finds its Patient by MRN rather than creating one:
 *     {@code match}, source {@link Source#STATEMENT} (the summary says {@code Patient=match(no
 *     conditional update)}; {@code ehr.resources.Patient} overrules it).
 *     When the statement declares transaction and every type comes out {@code conditional-update},
 *     they are {@code transaction}. Until the statement has been read every other type is assumed
 *     {@code conditional-update} ({@link Source#ASSUMED}): today's per-resource writes.
 * </ul>
 *
 * {@link #writeMode()} is what this version writes with: {@code transaction} when every type is
 * {@code transaction}, else {@code per-resource} (within which a {@code create-update},
 * {@code create-patch}, {@code create-only} or {@code conditional-create} type is created by POST
 * and, but for create-only, changed with If-Match, by PUT or by JSON Patch; a {@code match} Patient
 * is searched for, never written; and a {@code none} type is not sent: {@code FhirEhrClient}).
 * {@code match} is Patient's alone; it searches {@code ehr.patient-identifier-system}
 * ({@link #patientIdentifierSystem()}), without which patient records wait ({@link #patientProblem()}).
 */
public record WritePlan(
        WriteMode configuredMode,
        WriteMode writeMode,
        Map<String, TypePlan> byType,
        boolean statementRead,
        Optional<String> software,
        // The EHR's patient (issue 13, match): ehr.patient-identifier-system, when configured.
        Optional<String> patientIdentifierSystem) {

    private static final String PATIENT = "Patient";

    /** Where a type's strategy came from. */
    public enum Source {
        /** The EHR's CapabilityStatement ({@code write-mode: auto}). */
        STATEMENT,
        /** The operator's {@code ehr.resources.<Type>}. */
        CONFIGURATION,
        /** Implied by a configured {@code write-mode: transaction} or {@code per-resource}. */
        WRITE_MODE,
        /** {@code write-mode: auto} before the statement could be read: today's per-resource writes. */
        ASSUMED
    }

    /**
     * One type's plan. {@code ifMatch}: the statement says updates must name the version they
     * replace ({@code versioning: versioned-update}); {@code searchParams}: the search parameters it
     * declares for the type (by name: {@code identifier}, {@code patient}, {@code code}, {@code date},
     * ...), by which a create whose answer was lost is looked up ({@link #identifierSearch()}, else
     * {@code LostCreateLookup}). Empty and false when the statement was not read.
     */
    public record TypePlan(WriteStrategy strategy, Source source, boolean ifMatch, Set<String> searchParams) {

        public TypePlan {
            searchParams = Set.copyOf(searchParams);
        }

        /** The statement declares the {@code identifier} search parameter for the type. */
        public boolean identifierSearch() {
            return searchParams.contains("identifier");
        }

        public boolean searches(String param) {
            return searchParams.contains(param);
        }
    }

    public WritePlan {
        byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
    }

    /** The plan of a clinic's EHR connection, its statement not read (or not needed: a configured write mode). */
    public static WritePlan of(EhrConnection ehr) {
        return of(ehr, null);
    }

    /** The plan of a clinic's EHR connection and what its EHR's CapabilityStatement says (null: not read). */
    public static WritePlan of(EhrConnection ehr, CapabilityStatement statement) {
        Map<String, WriteStrategy> overrides = ehr.resourceStrategies() == null ? Map.of() : ehr.resourceStrategies();
        Optional<CapabilityStatementRestComponent> server = statement == null ? Optional.empty() : serverRest(statement);
        Map<String, TypePlan> byType = new LinkedHashMap<>();
        for (String type : EhrResourceTypes.WRITTEN) {
            Optional<CapabilityStatementRestResourceComponent> declared = server.flatMap(rest -> resource(rest, type));
            boolean ifMatch = declared.map(r -> r.getVersioning() == ResourceVersionPolicy.VERSIONEDUPDATE).orElse(false);
            Set<String> searchParams = declared.map(r -> r.getSearchParam().stream()
                    .map(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
                    .filter(name -> name != null && !name.isBlank())
                    .collect(Collectors.toSet())).orElse(Set.of());
            WriteStrategy strategy;
            Source source;
            if (overrides.containsKey(type)) {
                strategy = overrides.get(type);
                source = Source.CONFIGURATION;
            } else if (ehr.writeMode() == WriteMode.TRANSACTION) {
                strategy = WriteStrategy.TRANSACTION;
                source = Source.WRITE_MODE;
            } else if (ehr.writeMode() == WriteMode.PER_RESOURCE) {
                strategy = WriteStrategy.CONDITIONAL_UPDATE;
                source = Source.WRITE_MODE;
            } else if (statement == null) {
                strategy = WriteStrategy.CONDITIONAL_UPDATE;
                source = Source.ASSUMED;
            } else {
                strategy = declared.map(r -> fromStatement(type, r)).orElse(WriteStrategy.NONE);
                if (EhrResourceTypes.OPT_IN.equals(type) && strategy != WriteStrategy.CONDITIONAL_UPDATE) {
                    // Not a full FHIR server's: the REMS form goes there only when configured (EhrResourceTypes.OPT_IN).
                    strategy = WriteStrategy.NONE;
                }
                boolean searchable = declared.map(r -> r.getInteraction().stream()
                        .anyMatch(i -> i.getCode() == TypeRestfulInteraction.SEARCHTYPE)).orElse(false);
                if (PATIENT.equals(type) && strategy != WriteStrategy.CONDITIONAL_UPDATE
                        && (strategy != WriteStrategy.NONE || searchable)) {
                    // No conditional writes of patients: the EHR registers them; the bridge finds them. (An EHR
                    // that neither takes patients nor lets them be searched for takes none: not accepted.)
                    strategy = WriteStrategy.MATCH;
                }
                source = Source.STATEMENT;
            }
            byType.put(type, new TypePlan(strategy, source, ifMatch, searchParams));
        }
        // The opt-in type left out (none) decides no write mode: such a record is never sent.
        if (ehr.writeMode() == WriteMode.AUTO && server.isPresent() && declaresTransaction(server.get())
                && byType.entrySet().stream().filter(e -> !optedOut(e.getKey(), e.getValue()))
                        .allMatch(e -> e.getValue().strategy() == WriteStrategy.CONDITIONAL_UPDATE
                                || e.getValue().strategy() == WriteStrategy.TRANSACTION)) {
            byType.replaceAll((type, p) -> p.source() == Source.STATEMENT && !optedOut(type, p)
                    ? new TypePlan(WriteStrategy.TRANSACTION, p.source(), p.ifMatch(), p.searchParams()) : p);
        }
        WriteMode writeMode = ehr.writeMode() == WriteMode.TRANSACTION
                || ehr.writeMode() == WriteMode.AUTO && byType.entrySet().stream().filter(e -> !optedOut(e.getKey(), e.getValue()))
                        .allMatch(e -> e.getValue().strategy() == WriteStrategy.TRANSACTION)
                ? WriteMode.TRANSACTION : WriteMode.PER_RESOURCE;
        Optional<String> software = statement == null || !statement.hasSoftware() ? Optional.empty()
                : Optional.of(printable(String.join(" ", Stream.of(
                        statement.getSoftware().getName(), statement.getSoftware().getVersion())
                        .filter(part -> part != null && !part.isBlank()).toList()))).filter(name -> !name.isEmpty());
        return new WritePlan(ehr.writeMode(), writeMode, byType, statement != null, software, ehr.patientIdentifierSystem());
    }

    private static boolean optedOut(String type, TypePlan p) {
        return EhrResourceTypes.OPT_IN.equals(type) && p.strategy() == WriteStrategy.NONE;
    }

    /** The strategy the statement allows for one declared type (without transaction: that is decided over all types). */
    static WriteStrategy fromStatement(String type, CapabilityStatementRestResourceComponent r) {
        Set<TypeRestfulInteraction> can = r.getInteraction().stream()
                .map(CapabilityStatement.ResourceInteractionComponent::getCode)
                .filter(code -> code != null)
                .collect(Collectors.toSet());
        boolean create = can.contains(TypeRestfulInteraction.CREATE);
        boolean update = can.contains(TypeRestfulInteraction.UPDATE);
        boolean patch = can.contains(TypeRestfulInteraction.PATCH);
        if ("Provenance".equals(type)) {
            // Written to the bridge's own id: an update that creates. Absent updateCreate is not a no.
            boolean updateCreates = !r.hasUpdateCreate() || r.getUpdateCreate();
            if (update && updateCreates) {
                return WriteStrategy.CONDITIONAL_UPDATE;
            }
        } else if (update && r.getConditionalUpdate()) {
            return WriteStrategy.CONDITIONAL_UPDATE;
        } else if (create && r.getConditionalCreate()) {
            return WriteStrategy.CONDITIONAL_CREATE;
        }
        if (create && update) {
            return WriteStrategy.CREATE_UPDATE;
        }
        if (create && patch) {
            return WriteStrategy.CREATE_PATCH;
        }
        return create ? WriteStrategy.CREATE_ONLY : WriteStrategy.NONE;
    }

    /** The statement's server part (a statement may also describe the server as a client). */
    static Optional<CapabilityStatementRestComponent> serverRest(CapabilityStatement statement) {
        return statement.getRest().stream()
                .filter(rest -> !rest.hasMode() || rest.getMode() == RestfulCapabilityMode.SERVER)
                .findFirst();
    }

    static Optional<CapabilityStatementRestResourceComponent> resource(CapabilityStatementRestComponent rest, String type) {
        return rest.getResource().stream().filter(r -> type.equals(r.getType())).findFirst();
    }

    private static boolean declaresTransaction(CapabilityStatementRestComponent rest) {
        return rest.getInteraction().stream().anyMatch(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);
    }

    public TypePlan of(String resourceType) {
        return byType.get(resourceType);
    }

    // ---- The EHR's patient (issue 13, match) ----

    /** Whether the bridge finds the EHR's own Patient by MRN ({@code match}) rather than writing it ({@code upsert}). */
    public boolean matchesPatients() {
        TypePlan patient = byType.get(PATIENT);
        return patient != null && patient.strategy() == WriteStrategy.MATCH;
    }

    /** {@code match} or {@code upsert}: how the clinic's patients reach the EHR. */
    public String patientMode() {
        return matchesPatients() ? "match" : "upsert";
    }

    /**
     * How the clinic's patients reach the EHR, for the connection check, the sync view and the
     * start-up line: {@code matched by <system>}, {@code matched, but ehr.patient-identifier-system is
     * not set}, or {@code upsert (the bridge writes each Patient)}.
     */
    public String patients() {
        if (!matchesPatients()) {
            return "upsert (the bridge writes each Patient)";
        }
        return patientIdentifierSystem.map(system -> "matched by " + system)
                .orElse("matched, but ehr.patient-identifier-system is not set");
    }

    /**
     * Patients are matched (from the statement: a configured match without the system does not
     * start) but there is nothing to search by: what stands in the way, naming the property to set.
     */
    public Optional<String> patientProblem() {
        if (!matchesPatients() || patientIdentifierSystem.isPresent()) {
            return Optional.empty();
        }
        return Optional.of("Patient: matched, not written (" + (of(PATIENT).source() == Source.STATEMENT
                ? "this EHR's CapabilityStatement declares no conditional update of Patient: its patients are registered"
                        + " in the EHR" : "configured") + "), but ehr.patient-identifier-system is not set: set it to the"
                + " identifier system (a URI) under which the EHR knows the clinic's MRNs; patient records wait until then,"
                + " and so does everything that refers to their patients");
    }

    /**
     * Why this EHR takes no resource of this type, when the plan says {@code none}: {@code this EHR
     * does not accept MedicationAdministration (plan: none, from configuration)}; empty when it takes it.
     */
    public Optional<String> notAccepted(String resourceType) {
        TypePlan p = byType.get(resourceType);
        if (p == null || p.strategy() != WriteStrategy.NONE) {
            return Optional.empty();
        }
        return Optional.of("this EHR does not accept " + resourceType + " (plan: none, from " + switch (p.source()) {
            case CONFIGURATION -> "configuration";
            case STATEMENT -> "statement";
            case WRITE_MODE -> "write mode";
            case ASSUMED -> "assumption";
        } + ")" + (EhrResourceTypes.OPT_IN.equals(resourceType) && p.source() == Source.STATEMENT
                ? ": the REMS form goes only to an EHR that takes conditional updates of it, or where ehr.resources."
                        + resourceType + " names a strategy" : ""));
    }

    /**
     * One word per type, for a log line: {@code Patient=create-patch(If-Match) Observation=create-update(If-Match,
     * no identifier search) MedicationAdministration=none(configured)}.
     */
    public String summary() {
        return byType.entrySet().stream().map(e -> e.getKey() + "=" + describe(e.getValue())).collect(Collectors.joining(" "));
    }

    private String describe(TypePlan p) {
        List<String> notes = new ArrayList<>();
        if (p.source() == Source.CONFIGURATION) {
            notes.add("configured");
        }
        boolean versionedLater = p.strategy() == WriteStrategy.CONDITIONAL_CREATE || p.strategy() == WriteStrategy.CREATE_UPDATE
                || p.strategy() == WriteStrategy.CREATE_PATCH;
        if (versionedLater && p.ifMatch()) {
            notes.add("If-Match");
        }
        boolean creates = versionedLater || p.strategy() == WriteStrategy.CREATE_ONLY;
        if (p.strategy() == WriteStrategy.MATCH && p.source() == Source.STATEMENT) {
            notes.add("no conditional update");
        }
        if ((creates || p.strategy() == WriteStrategy.MATCH) && statementRead && !p.identifierSearch()) {
            notes.add("no identifier search");
        }
        return p.strategy() + (notes.isEmpty() ? "" : "(" + String.join(", ", notes) + ")");
    }

    /** Text from the EHR, made safe for one log line. */
    private static String printable(String s) {
        String cleaned = s.replaceAll("\\p{Cntrl}", "?").strip();
        return cleaned.length() > 80 ? cleaned.substring(0, 80) : cleaned;
    }
}
