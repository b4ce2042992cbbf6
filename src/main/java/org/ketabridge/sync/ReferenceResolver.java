package org.ketabridge.sync;

import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.db.EhrLinks;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.mapping.TargetReferences;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * Finds, as the EHR knows them, the patient and encounter a record refers to (and, for a score,
 * the baseline score its outcome derives from, for an encounter the shared resources it names:
 * {@link SharedResourceClaims}). When one is not in
 * the EHR yet (its record has not arrived, or is still on its way) the task waits for it and goes
 * as soon as it is there: the EHR never receives a reference to something it does not hold.
 */
@Component("referenceResolver")
public class ReferenceResolver implements Processor {

    private final EhrLinks links;
    private final org.ketabridge.outcome.ScoreOutcomes outcomes;
    private final SharedResourceClaims shared;

    public ReferenceResolver(EhrLinks links, org.ketabridge.outcome.ScoreOutcomes outcomes, SharedResourceClaims shared) {
        this.links = links;
        this.outcomes = outcomes;
        this.shared = shared;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        StoredVersion v = work.version();
        String clinicId = v.clinicId();
        if (work.kind() == RecordKind.PATIENT) {
            work.references(new TargetReferences(null, null));
            return;
        }
        Optional<String> patient = links.find(clinicId, RecordKind.PATIENT.name(), v.patientMrn());
        if (patient.isEmpty()) {
            work.waitingFor(new Dependency(RecordKind.PATIENT, v.patientMrn()));
            return;
        }
        String encounter = null;
        if (work.kind() != RecordKind.ENCOUNTER && v.encounterId() != null) {
            Optional<String> found = links.find(clinicId, RecordKind.ENCOUNTER.name(), v.encounterId());
            if (found.isEmpty()) {
                work.waitingFor(new Dependency(RecordKind.ENCOUNTER, v.encounterId()));
                return;
            }
            encounter = found.get();
        }
        String baseline = null;
        if (work.kind() == RecordKind.SCORE) {
            var outcome = outcomes.of(v).orElse(null);
            work.outcome(outcome);
            if (outcome != null && !outcome.baselineScoreId().equals(v.recordId())) {
                // The outcome is derived from the baseline score: the EHR must hold it first.
                Optional<String> found = links.find(clinicId, RecordKind.SCORE.name(), outcome.baselineScoreId());
                if (found.isEmpty()) {
                    work.waitingFor(new Dependency(RecordKind.SCORE, outcome.baselineScoreId()));
                    return;
                }
                baseline = found.get();
            }
        }
        work.references(new TargetReferences(patient.get(), encounter, baseline));
        // The clinic's Organization and the series' EpisodeOfCare: referred to by the EHR's id,
        // or written by this task alone, or waited for while another task writes them.
        shared.claim(work);
    }
}
