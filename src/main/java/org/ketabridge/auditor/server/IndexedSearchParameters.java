package org.ketabridge.auditor.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.ketabridge.mapping.Codes;

/**
 * The search parameters the auditors' store indexes: those its endpoint documents (README: by
 * patient, date, code, identifier, encounter, {@code _include}, {@code _revinclude}; the
 * auditors' questions of the contract) and those the bridge's own code searches by (the
 * controlled-substance record: {@code effective-time}), for the resource types the bridge writes.
 * Every other parameter of base FHIR is not indexed (HAPI's default indexes every one of them:
 * about 100 index rows per record, most never searched) and a search by it is refused with 400.
 * {@code _id}, {@code _lastUpdated}, paging, {@code _sort} by a listed parameter and chains
 * through listed references ({@code subject:Patient.identifier}) need nothing more.
 *
 * <p>Each is base FHIR's own definition (path, type, targets), made a SearchParameter resource of
 * the store ({@link ActiveSearchParameters}), since HAPI without its defaults knows only those.
 */
public final class IndexedSearchParameters {

    /** Where the store's SearchParameter resources are named: {@code <BASE>/<Type>-<code>}. */
    public static final String URL_BASE = Codes.BASE + "/SearchParameter/store-";

    /** By resource type, the parameters indexed. */
    public static final Map<String, Set<String>> BY_TYPE;

    static {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put("Patient", Set.of("identifier"));
        m.put("Encounter", Set.of("identifier", "patient", "subject", "date", "episode-of-care"));
        // Its medication is contained (#med): no code to search by here; the period is the controlled-substance record's.
        m.put("MedicationAdministration", Set.of("identifier", "patient", "subject", "context", "effective-time"));
        m.put("Observation", Set.of("identifier", "patient", "subject", "encounter", "code", "date"));
        m.put("Flag", Set.of("identifier", "patient", "subject", "date"));
        // The REMS monitoring form of each esketamine session (issue 18): by patient, session, period.
        m.put("QuestionnaireResponse", Set.of("identifier", "patient", "subject", "encounter", "authored"));
        m.put("EpisodeOfCare", Set.of("identifier", "patient"));
        m.put("Organization", Set.of("identifier"));
        // Where a record came from and where it went: by what it is about (_revinclude=Provenance:target).
        m.put("Provenance", Set.of("target", "patient"));
        // Who looked at what (README's audit trail): when, what, whose record, which interaction, how it ended. The caller is
        // named by identifier only (no resource to refer to): not searchable by reference, so not indexed.
        m.put("AuditEvent", Set.of("date", "entity", "patient", "action", "outcome", "subtype"));
        BY_TYPE = Map.copyOf(m);
    }

    private IndexedSearchParameters() {
    }

    public static boolean isIndexed(String resourceType, String code) {
        return BY_TYPE.getOrDefault(resourceType, Set.of()).contains(code);
    }

    /** Every listed parameter as a SearchParameter resource, with base FHIR R4's definition. */
    public static List<SearchParameter> definitions(FhirContext fhir) {
        List<SearchParameter> all = new ArrayList<>();
        BY_TYPE.forEach((type, codes) -> codes.stream().sorted().forEach(code -> {
            RuntimeSearchParam base = fhir.getResourceDefinition(type).getSearchParam(code);
            if (base == null) {
                throw new IllegalStateException(type + " has no search parameter '" + code + "' in FHIR R4");
            }
            all.add(definition(type, base));
        }));
        return all;
    }

    private static SearchParameter definition(String type, RuntimeSearchParam base) {
        SearchParameter sp = new SearchParameter();
        sp.setId(idOf(type, base.getName()));
        sp.setUrl(URL_BASE + type + "-" + base.getName());
        sp.setName(type + "-" + base.getName());
        sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
        sp.setDescription(base.getDescription());
        sp.setCode(base.getName());
        sp.addBase(type);
        sp.setType(Enumerations.SearchParamType.fromCode(base.getParamType().getCode()));
        sp.setExpression(base.getPath());
        base.getTargets().stream().sorted().forEach(sp::addTarget);
        return sp;
    }

    /** {@code store-observation-effective-time}: an id (64 characters at most) the store owns. */
    static String idOf(String type, String code) {
        return "store-" + type.toLowerCase(java.util.Locale.ROOT) + "-" + code;
    }
}
