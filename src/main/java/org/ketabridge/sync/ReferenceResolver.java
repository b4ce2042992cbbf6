package org.ketabridge.sync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.config.EhrType;
import org.ketabridge.db.EhrLinks;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.ehr.WriteResult;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.outcome.ScoreOutcomes;
import org.ketabridge.record.RecordKind;
import org.ketabridge.record.RecordReferences;
import org.springframework.stereotype.Component;

/**
 * Finds, as the EHR knows them, the records a record refers to ({@link RecordReferences}: its
 * patient and encounter, for a score the baseline score its outcome derives from), and for an
 * encounter the shared resources it names ({@link SharedResourceClaims}). When one is not in
 * the EHR yet (its record has not arrived, or is still on its way) the task waits for it and goes
 * as soon as it is there: the EHR never receives a reference to something it does not hold.
 *
 * <p>Issue 13, what the clinic's EHR does not accept ({@link EhrAcceptance}): a record whose main
 * resource is of such a type is not accepted, and waits for nothing. A record the EHR does not
 * hold and never will (its type not accepted) is not waited for: an encounter or a baseline score
 * (optional references in FHIR: Observation.encounter, MedicationAdministration.context,
 * Observation.derivedFrom) is referred to as the store would, to be dropped before the record is
 * sent (noted on the task); a patient cannot be done without (every resource's subject is
 * required), so the record is not accepted either.
 *
 * <p>A dose whose patient is not its encounter's is not sent ({@link RecordConflict}).
 */
@Component("referenceResolver")
public class ReferenceResolver implements Processor {

    private final EhrLinks links;
    private final ScoreOutcomes outcomes;
    private final SharedResourceClaims shared;
    private final EhrAcceptance acceptance;
    private final RecordVersions records;

    public ReferenceResolver(EhrLinks links, ScoreOutcomes outcomes, SharedResourceClaims shared, EhrAcceptance acceptance,
                             RecordVersions records) {
        this.records = records;
        this.links = links;
        this.outcomes = outcomes;
        this.shared = shared;
        this.acceptance = acceptance;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        StoredVersion v = work.version();
        String type = work.kind().resourceType();
        Optional<String> refused = acceptance.refusal(v.clinicId(), type);
        if (refused.isPresent()) {
            work.notAcceptedBecause(new WriteResult.NotAccepted(type, refused.get()));
            return;
        }
        // A score's outcome is derived from its baseline score: the EHR must hold that first.
        Outcome outcome = work.kind() == RecordKind.SCORE ? outcomes.of(v).orElse(null) : null;
        RecordReferences refers = RecordReferences.of(work.kind(), v.recordId(), v.patientMrn(), v.encounterId(),
                outcome == null ? null : outcome.baselineScoreId());
        Map<RecordReferences.Ref, String> held = new HashMap<>();
        for (RecordReferences.Ref ref : refers.all()) {
            Optional<String> found = links.find(v.clinicId(), ref.kind().name(), ref.recordId());
            if (found.isPresent()) {
                held.put(ref, found.get());
                continue;
            }
            Optional<String> never = acceptance.refusal(v.clinicId(), ref.kind().resourceType());
            if (never.isEmpty()) {
                work.waitingFor(new Dependency(ref.kind(), ref.recordId()));
                return;
            }
            if (ref.kind() == RecordKind.PATIENT) {
                work.notAcceptedBecause(new WriteResult.NotAccepted("Patient", never.get() + ": "
                        + ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type
                        + " cannot be sent without its patient (its subject is required)"));
                return;
            }
            String placeholder = Identity.reference(work.clinic(), ref.kind(), ref.recordId());
            held.put(ref, placeholder);
            work.dropped(placeholder, "sent without its reference to " + ref.kind().resourceType() + ": " + never.get());
        }
        if (work.kind() == RecordKind.DOSE) {
            doseOfItsEncountersPatient(v);
        }
        work.outcome(outcome);
        work.references(TargetReferences.of(refers, held::get));
        // The clinic's Organization and the series' EpisodeOfCare: referred to by the EHR's id,
        // or written by this task alone, or waited for while another task writes them. (An HL7 v2
        // EHR, issue 14, receives no such resources: the encounter's message carries what it needs.)
        if (work.clinic().ehr().type() == EhrType.FHIR) {
            shared.claim(work);
        }
    }

    /**
     * "patientMrn must match the encounter's patient once both are known": intake refuses a dose
     * whose encounter is stored already; one that came first (or whose encounter changed patient
     * since) is checked here, against the encounter's latest version, before anything is sent.
     */
    private void doseOfItsEncountersPatient(StoredVersion dose) {
        StoredVersion encounter = records.latestOf(dose.clinicId(), RecordKind.ENCOUNTER.name(), List.of(dose.encounterId()))
                .get(dose.encounterId());
        if (encounter != null && !encounter.patientMrn().equals(dose.patientMrn())) {
            throw new RecordConflict("the dose's patientMrn does not match the patient of encounter " + dose.encounterId()
                    + " (the contract: they must match once both are known). Send the dose, or the encounter, corrected;"
                    + " then replay this");
        }
    }
}
