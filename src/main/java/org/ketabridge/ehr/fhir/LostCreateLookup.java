package org.ketabridge.ehr.fhir;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.ehr.WriteResult;

/**
 * Looks for a resource whose create reached the EHR, or not, without the bridge learning its id
 * (the answer to its POST was lost, or the bridge died waiting). By identifier when the plan
 * declares the {@code identifier} search for the type; else by what it declares instead (patient,
 * code, date: {@link SameRecord}), judging each candidate by its content.
 */
final class LostCreateLookup {

    /** Candidates fetched by a search by content; more (a next page) and the bridge cannot tell. */
    static final int CANDIDATES = 50;

    enum Kind {
        /** Exactly one: the resource the lost create made ({@link Finding#match}). */
        FOUND,
        /** None: the create never arrived. */
        NONE,
        /** More than one: duplicates ({@link Finding#count}). */
        SEVERAL,
        /** No search can tell ({@link Finding#why}). */
        CANNOT_TELL,
        /** The EHR's answer to the search ends the write ({@link Finding#stop}). */
        STOPPED
    }

    /** What the lookup found. */
    record Finding(Kind kind, Resource match, int count, String why, WriteResult stop) {

        static Finding of(Kind kind) {
            return new Finding(kind, null, 0, null, null);
        }

        static Finding cannotTell(String why) {
            return new Finding(Kind.CANNOT_TELL, null, 0, why, null);
        }

        static Finding stopped(WriteResult stop) {
            return new Finding(Kind.STOPPED, null, 0, null, stop);
        }
    }

    private final ResourceSearch searches;

    LostCreateLookup(ResourceSearch searches) {
        this.searches = searches;
    }

    /**
     * Why no search can find it (empty: one can): the plan declares neither the identifier search
     * for its type nor what {@link SameRecord} searches by, or the resource has not what it needs.
     */
    static Optional<String> unsearchable(Resource sent, String system, Optional<WritePlan.TypePlan> plan) {
        boolean byIdentifier = system != null && plan.map(WritePlan.TypePlan::identifierSearch).orElse(false);
        boolean byContent = system != null && plan.flatMap(p -> SameRecord.searchFor(sent, p)).isPresent();
        if (byIdentifier || byContent) {
            return Optional.empty();
        }
        return Optional.of("this EHR declares no identifier search for " + sent.fhirType() + " to find it by, nor a search"
                + " by patient and date (or the record has no patient or time to search by)");
    }

    /**
     * Call only when {@link #unsearchable} is empty.
     *
     * @param sent   the body whose create was lost (its subject, code, time and value are searched and compared)
     * @param system the bridge's identifier of it
     */
    Finding find(Resource sent, String system, String value, Optional<WritePlan.TypePlan> plan) {
        if (plan.map(WritePlan.TypePlan::identifierSearch).orElse(false)) {
            return byIdentifier(sent.fhirType(), system, value);
        }
        return byContent(sent, system, value, plan.flatMap(p -> SameRecord.searchFor(sent, p)).orElseThrow());
    }

    private Finding byIdentifier(String type, String system, String value) {
        ResourceSearch.Found found = searches.search(type, system, value);
        if (found.stop() != null) {
            return Finding.stopped(found.stop());
        }
        if (found.matches().isEmpty()) {
            return Finding.of(Kind.NONE);
        }
        if (found.count() > 1) {
            return new Finding(Kind.SEVERAL, null, found.count(), null, null);
        }
        return new Finding(Kind.FOUND, found.matches().get(0), 1, null, null);
    }

    private Finding byContent(Resource sent, String system, String value, String search) {
        String type = sent.fhirType();
        ResourceSearch.Found found = searches.get(search + "&_count=" + CANDIDATES, type,
                "the search for a " + type + " whose create was lost");
        if (found.stop() != null) {
            return Finding.stopped(found.stop());
        }
        if (found.more() || found.count() > found.matches().size()) {
            return Finding.cannotTell("the EHR's search by patient and date for " + type + " found more than "
                    + found.matches().size() + " of them");
        }
        List<Resource> same = found.matches().stream()
                .filter(c -> SameRecord.judge(sent, c, system, value) == SameRecord.Verdict.SAME).toList();
        long unsure = found.matches().stream()
                .filter(c -> SameRecord.judge(sent, c, system, value) == SameRecord.Verdict.UNSURE).count();
        if (unsure > 0) {
            return Finding.cannotTell("the EHR holds " + unsure + " " + type + " of this patient at that time that may be it"
                    + " (without the bridge's identifier, its content not the same as what the bridge sent)");
        }
        if (same.isEmpty()) {
            return Finding.of(Kind.NONE);
        }
        if (same.size() > 1) {
            return new Finding(Kind.SEVERAL, null, same.size(), null, null);
        }
        return new Finding(Kind.FOUND, same.get(0), 1, null, null);
    }
}
