package org.ketabridge.sync;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.db.EhrLinks;
import org.ketabridge.db.StoredVersion;
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
 */
@Component("referenceResolver")
public class ReferenceResolver implements Processor {

    private final EhrLinks links;
    private final ScoreOutcomes outcomes;
    private final SharedResourceClaims shared;

    public ReferenceResolver(EhrLinks links, ScoreOutcomes outcomes, SharedResourceClaims shared) {
        this.links = links;
        this.outcomes = outcomes;
        this.shared = shared;
    }

    @Override
    public void process(Exchange exchange) {
        SyncWork work = exchange.getIn().getBody(SyncWork.class);
        StoredVersion v = work.version();
        // A score's outcome is derived from its baseline score: the EHR must hold that first.
        Outcome outcome = work.kind() == RecordKind.SCORE ? outcomes.of(v).orElse(null) : null;
        RecordReferences refers = RecordReferences.of(work.kind(), v.recordId(), v.patientMrn(), v.encounterId(),
                outcome == null ? null : outcome.baselineScoreId());
        Map<RecordReferences.Ref, String> held = new HashMap<>();
        for (RecordReferences.Ref ref : refers.all()) {
            Optional<String> found = links.find(v.clinicId(), ref.kind().name(), ref.recordId());
            if (found.isEmpty()) {
                work.waitingFor(new Dependency(ref.kind(), ref.recordId()));
                return;
            }
            held.put(ref, found.get());
        }
        work.outcome(outcome);
        work.references(TargetReferences.of(refers, held::get));
        // The clinic's Organization and the series' EpisodeOfCare: referred to by the EHR's id,
        // or written by this task alone, or waited for while another task writes them.
        shared.claim(work);
    }
}
