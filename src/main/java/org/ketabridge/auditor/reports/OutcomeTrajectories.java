package org.ketabridge.auditor.reports;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.ketabridge.mapping.Codes;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.outcome.Outcome;
import org.ketabridge.outcome.OutcomeRules;
import org.ketabridge.outcome.ScorePoint;
import org.ketabridge.record.RecordKind;
import org.springframework.stereotype.Component;

/**
 * Patients' outcome trajectories, read from the auditors' store (what /fhir answers: the patient
 * by its MRN identifier, its score Observations) and judged by {@link OutcomeRules} over the whole
 * series as it stands now. A score that arrived late is judged here with every score around it,
 * while the outcome Observation sent for a later score when it arrived keeps what it said then.
 */
@Component
public class OutcomeTrajectories {

    /** The most patients listed at once, and the most scores a patient's chart reads. */
    public static final int MAX_PATIENTS = 2_000;
    static final int MAX_OBSERVATIONS = 20_000;

    private final OutcomeRules rules;
    private final String instrumentSystem;

    public OutcomeTrajectories(OutcomeRules rules, Terminology terminology) {
        this.rules = rules;
        this.instrumentSystem = terminology.local("instrument", "PHQ-9").getSystem();
    }

    /** The MRNs of a clinic's patients in the store, sorted; more than {@link #MAX_PATIENTS}: {@link StoreSearch.TooManyResults}. */
    public List<String> patients(StoreSearch within) {
        return within.search(Patient.class, SearchParameterMap.newSynchronous(), MAX_PATIENTS).stream()
                .map(OutcomeTrajectories::mrn).flatMap(Optional::stream).sorted().distinct().toList();
    }

    /** The trajectory of the patient with this MRN, if the store holds them within these partitions. */
    public Optional<OutcomeTrajectory> of(StoreSearch within, String mrn) {
        SearchParameterMap byMrn = SearchParameterMap.newSynchronous().add(Patient.SP_IDENTIFIER, new TokenParam(null, mrn));
        Optional<Patient> patient = within.search(Patient.class, byMrn, MAX_PATIENTS).stream()
                .filter(p -> mrn(p).filter(mrn::equals).isPresent()).findFirst();
        if (patient.isEmpty()) {
            return Optional.empty();
        }
        SearchParameterMap observations = SearchParameterMap.newSynchronous().add(Observation.SP_PATIENT,
                new ReferenceParam(patient.get().getIdElement().toUnqualifiedVersionless().getValue()));
        Map<String, List<ScoreRead>> byInstrument = new TreeMap<>();
        for (Observation o : within.search(Observation.class, observations, MAX_OBSERVATIONS)) {
            if (o.getMeta().hasProfile(Codes.PROFILE_SCORE)) {
                score(o).ifPresent(s -> byInstrument.computeIfAbsent(s.instrument(), i -> new ArrayList<>()).add(s));
            }
        }
        List<OutcomeTrajectory.Series> series = new ArrayList<>();
        byInstrument.forEach((instrument, scores) -> series.add(series(instrument, scores)));
        return Optional.of(new OutcomeTrajectory(mrn, series));
    }

    private OutcomeTrajectory.Series series(String instrument, List<ScoreRead> scores) {
        List<ScorePoint> points = scores.stream().map(ScoreRead::point)
                .sorted(Comparator.comparing(ScorePoint::effective).thenComparing(ScorePoint::scoreId)).toList();
        boolean judged = OutcomeRules.tracked(instrument);
        List<OutcomeTrajectory.Point> judgedPoints = points.stream().map(p -> {
            Outcome outcome = judged ? rules.assess(instrument, p, points) : null;
            return new OutcomeTrajectory.Point(p.scoreId(), p.effective(), p.total(),
                    outcome == null ? null : outcome.status(), outcome == null ? null : outcome.percentChange());
        }).toList();
        Double responseAtMost = null;
        if (judged && !points.isEmpty()) {
            ScorePoint last = points.get(points.size() - 1);
            responseAtMost = rules.baseline(last, points).flatMap(b -> rules.responseAtMost(b.total())).orElse(null);
        }
        return new OutcomeTrajectory.Series(instrument, judged, judged ? rules.remissionAtMost(instrument).orElse(null) : null,
                responseAtMost, judgedPoints);
    }

    /** A score Observation as the mapper wrote it: instrument by the contract's code, total, effective, timing. */
    private Optional<ScoreRead> score(Observation o) {
        Optional<String> instrument = o.getCode().getCoding().stream().filter(c -> instrumentSystem.equals(c.getSystem()))
                .map(Coding::getCode).findFirst();
        if (instrument.isEmpty() || !o.hasValueIntegerType() || !o.hasEffectiveDateTimeType()) {
            return Optional.empty();
        }
        var timing = o.getExtensionByUrl(Codes.KB_SCORE_TIMING);
        boolean baseline = timing != null && timing.getValue() instanceof CodeType code && "baseline".equals(code.getValue());
        String scoreId = o.getIdentifierFirstRep().getValue();
        OffsetDateTime effective = OffsetDateTime.parse(o.getEffectiveDateTimeType().getValueAsString());
        return Optional.of(new ScoreRead(instrument.get(),
                new ScorePoint(scoreId, o.getValueIntegerType().getValue(), effective, baseline)));
    }

    private static Optional<String> mrn(Patient p) {
        String mrnSystemEnd = "/" + RecordKind.PATIENT.identifierSuffix();
        return p.getIdentifier().stream().filter(i -> i.getSystem() != null && i.getSystem().endsWith(mrnSystemEnd))
                .map(Identifier::getValue).findFirst();
    }

    private record ScoreRead(String instrument, ScorePoint point) {
    }
}
