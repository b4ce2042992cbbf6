package org.ketabridge.rems;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ketabridge.auditor.reports.RemsSessions;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.db.NewRecordVersions;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.SessionChanges;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.intake.RecordIntake;
import org.ketabridge.mapping.Terminology;
import org.ketabridge.mapping.RemsFormMapper;
import org.ketabridge.mapping.rems.RemsFormFiller;
import org.ketabridge.mapping.rems.RemsSession;
import org.ketabridge.record.RecordKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps each esketamine session's REMS form current (issue 18, item 2): the sessions intake noted as
 * changed ({@link SessionChanges}) are refilled from their latest committed records, and a form that
 * differs from the one stored becomes the next version of the session's REMS_FORM record, queued for
 * the auditors' store and, where the clinic has an EHR, for it, exactly as intake queues a record
 * version. The same form again (a change the form does not show, an identical resend) adds nothing.
 * A session whose form was stored and which is no longer an esketamine session (its modality or its
 * dose corrected) gets its form's next version withdrawn: the same answers, status entered-in-error.
 * One transaction per call: the versions, their tasks and the removal of the notes read, so a crash
 * loses no change and writes no form twice; a second process refilling the same session at the same
 * moment fails on record_version's unique key and its notes stay for the next call.
 */
@Component("remsFormRefill")
public class RemsFormRefill {

    private static final Logger log = LoggerFactory.getLogger(RemsFormRefill.class);
    private static final String KIND = RecordKind.REMS_FORM.name();

    /** Notes taken per call: sessions are refilled a few hundred at a time, in one transaction. */
    static final int NOTES_PER_CALL = 200;

    private final SessionChanges changes;
    private final RemsSessions sessions;
    private final RecordVersions records;
    private final NewRecordVersions newVersions;
    private final ClinicRegistry clinics;
    private final RemsFormFiller filler;
    private final RemsFormMapper forms = new RemsFormMapper();
    private final Clock clock;

    public RemsFormRefill(SessionChanges changes, RemsSessions sessions, RecordVersions records, NewRecordVersions newVersions,
                          ClinicRegistry clinics, Terminology terminology, Clock clock) {
        this.changes = changes;
        this.sessions = sessions;
        this.records = records;
        this.newVersions = newVersions;
        this.clinics = clinics;
        this.filler = new RemsFormFiller(terminology);
        this.clock = clock;
    }

    /** Refills the sessions of the oldest notes; the number of new form versions stored. */
    @Transactional
    public int refill() {
        List<SessionChanges.Change> taken = changes.oldest(NOTES_PER_CALL);
        if (taken.isEmpty()) {
            return 0;
        }
        // per clinic, each session once, with the receipt of its latest change (the new version's source)
        Map<String, Map<String, String>> byClinic = new LinkedHashMap<>();
        taken.forEach(c -> byClinic.computeIfAbsent(c.clinicId(), k -> new LinkedHashMap<>()).put(c.encounterId(), c.receiptId()));
        Instant now = clock.instant();
        int stored = 0;
        for (Map.Entry<String, Map<String, String>> e : byClinic.entrySet()) {
            Optional<Clinic> clinic = clinics.find(e.getKey());
            if (clinic.isPresent()) {
                stored += refill(clinic.get(), e.getValue(), now);
            }
        }
        changes.removeAll(taken.stream().map(SessionChanges.Change::id).toList());
        if (stored > 0) {
            log.info("REMS forms: {} new version(s) from {} session change(s)", stored, taken.size());
        }
        return stored;
    }

    private int refill(Clinic clinic, Map<String, String> receiptBySession, Instant now) {
        List<RemsSession> esketamine = sessions.ofEncounters(clinic, receiptBySession.keySet());
        // Every noted session's last form: a session may have stopped being an esketamine one.
        Map<String, StoredVersion> before = records.latestOf(clinic.id(), KIND, receiptBySession.keySet());
        if (esketamine.isEmpty() && before.isEmpty()) {
            return 0;
        }
        List<String> ids = esketamine.stream().map(RemsSession::encounterId).toList();
        Set<String> stillEsketamine = new HashSet<>(ids);
        Map<String, StoredVersion> encounters = records.latestOf(clinic.id(), RecordKind.ENCOUNTER.name(), ids);
        List<RecordVersions.NewVersion> versions = new ArrayList<>();
        for (RemsSession session : esketamine) {
            String content = forms.content(filler.fill(clinic, session));
            nextVersion(before.get(session.encounterId()), clinic, session.encounterId(),
                    encounters.get(session.encounterId()).patientMrn(), content, receiptBySession, now).ifPresent(versions::add);
        }
        // Its modality or dose corrected, a session with a form is no longer an esketamine session:
        // its form is withdrawn (entered-in-error) rather than left standing in the store and the EHR.
        for (StoredVersion last : before.values()) {
            if (!stillEsketamine.contains(last.recordId())) {
                nextVersion(last, clinic, last.recordId(), last.patientMrn(), forms.withdrawn(last.content()), receiptBySession, now)
                        .ifPresent(versions::add);
            }
        }
        return newVersions.storeAndQueue(clinic.id(), clinic.syncsToEhr(), versions, now).size();
    }

    /** The session's form as its next version, unless it is the form stored last (same content). */
    private static Optional<RecordVersions.NewVersion> nextVersion(StoredVersion last, Clinic clinic, String encounterId,
                                                                    String patientMrn, String content,
                                                                    Map<String, String> receiptBySession, Instant now) {
        String hash = RecordIntake.hash(content);
        if (last != null && last.contentHash().equals(hash)) {
            return Optional.empty();
        }
        return Optional.of(new RecordVersions.NewVersion(clinic.id(), KIND, encounterId, last == null ? 1 : last.version() + 1,
                patientMrn, encounterId, content, hash, receiptBySession.get(encounterId), now, null));
    }
}
