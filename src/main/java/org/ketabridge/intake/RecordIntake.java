package org.ketabridge.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.NewRecordVersions;
import org.ketabridge.db.Receipts;
import org.ketabridge.db.RecordVersions;
import org.ketabridge.db.SessionChanges;
import org.ketabridge.db.StoredVersion;
import org.ketabridge.record.RecordIds;
import org.ketabridge.record.RecordKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every channel ends here: the records of one request, file or message are checked against the
 * contract and the valid ones stored, with their sync tasks, in one database transaction. When
 * this returns, what was accepted survives any crash; a rejected record leaves nothing behind.
 */
@Service
public class RecordIntake {

    private static final Logger log = LoggerFactory.getLogger(RecordIntake.class);
    private static final String UNCHANGED = "UNCHANGED";

    private final RecordValidators validators;
    private final Map<RecordKind, KindRules> kindRules = new EnumMap<>(RecordKind.class);
    private final RecordVersions records;
    private final Receipts receipts;
    private final NewRecordVersions newVersions;
    private final SessionChanges sessionChanges;
    private final ObjectMapper json;
    private final Clock clock;
    private final IntakeMeters meters;

    public RecordIntake(RecordValidators validators, List<KindRules> kindRules, RecordVersions records, Receipts receipts,
                        NewRecordVersions newVersions, SessionChanges sessionChanges, ObjectMapper json,
                        Clock clock, IntakeMeters meters) {
        this.validators = validators;
        kindRules.forEach(r -> this.kindRules.put(r.kind(), r));
        this.records = records;
        this.receipts = receipts;
        this.newVersions = newVersions;
        this.sessionChanges = sessionChanges;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    @Transactional
    public Receipt accept(IntakeBatch batch) {
        return accept(batch.clinic(), batch.kind(), batch.channel(), batch.lines());
    }

    @Transactional
    public Receipt accept(Clinic clinic, RecordKind kind, String channel, List<InboundLine> lines) {
        Instant now = clock.instant();
        String receiptId = UUID.randomUUID().toString();
        Checked checked = checkAll(clinic, kind, lines, now);
        receipts.insert(receiptId, clinic.id(), kind.collection(), channel, now, checked.accepted().size(),
                checked.rejections().size(), toJson(checked.rejections()));
        StoredPart part = store(clinic, kind, receiptId, checked, Map.of(), now);
        receipts.complete(receiptId, part.lines(), part.unchanged(), toJson(part.warnings()));
        log.info("Receipt {} for clinic {} ({} via {}): {} accepted ({} unchanged), {} rejected",
                receiptId, clinic.id(), kind.collection(), channel, part.accepted(), part.unchanged(),
                part.rejections().size());
        meters.received(clinic.id(), kind.collection(), channel, part.accepted(), part.rejections().size());
        return new Receipt(receiptId, clinic.id(), kind.collection(), part.accepted(), part.unchanged(),
                part.rejections().size(), part.rejections(), part.warnings());
    }

    /**
     * One part of a receipt filled in parts (a file read in a stream): checked and stored exactly
     * as {@link #accept}, in the caller's transaction, against a receipt that exists already. The
     * caller writes the part into the receipt.
     */
    StoredPart acceptPart(Clinic clinic, RecordKind kind, String receiptId, List<InboundLine> lines, Instant now) {
        return acceptPart(clinic, kind, receiptId, lines, Map.of(), now);
    }

    /**
     * {@link #acceptPart(Clinic, RecordKind, String, List, Instant)} of records built on stored
     * versions ({@code bases}: record id → the version's row id): throws {@link BaseVersionMoved},
     * storing nothing, when one of those is no longer its record's latest version.
     */
    StoredPart acceptPart(Clinic clinic, RecordKind kind, String receiptId, List<InboundLine> lines, Map<String, Long> bases,
                          Instant now) {
        return store(clinic, kind, receiptId, checkAll(clinic, kind, lines, now), bases, now);
    }

    /** What a batch left behind: accepted (of them unchanged), refused, warnings, and which line became which version. */
    record StoredPart(int accepted, int unchanged, List<Rejection> rejections, List<Receipt.LineWarning> warnings,
                      List<Receipts.Line> lines) {
    }

    private StoredPart store(Clinic clinic, RecordKind kind, String receiptId, Checked checked, Map<String, Long> bases,
                             Instant now) {
        List<Receipt.LineWarning> warnings = new ArrayList<>();
        List<Receipts.Line> stored = store(clinic, kind, receiptId, checked.accepted(), checked.rules(), bases, warnings, now);
        int unchanged = (int) stored.stream().filter(l -> l.outcome().equals(UNCHANGED)).count();
        return new StoredPart(checked.accepted().size(), unchanged, List.copyOf(checked.rejections()),
                List.copyOf(warnings), stored);
    }

    /** Every line against the contract, then the valid ones against what is stored (the kind's {@link KindRules}). */
    private Checked checkAll(Clinic clinic, RecordKind kind, List<InboundLine> lines, Instant now) {
        List<ValidatedRecord> valid = new ArrayList<>();
        List<List<FieldError>> errorsOfLine = new ArrayList<>();
        for (InboundLine line : lines) {
            List<FieldError> errors = new ArrayList<>();
            valid.add(check(clinic, kind, line, now, errors));
            errorsOfLine.add(errors);
        }
        KindRules rules = kindRules.get(kind);
        KindRules.Checks checks = rules == null ? KindRules.Checks.NONE
                : rules.prepare(clinic, valid.stream().filter(Objects::nonNull).toList());
        List<Rejection> rejections = new ArrayList<>();
        List<Accepted> accepted = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            InboundLine line = lines.get(i);
            ValidatedRecord record = valid.get(i);
            List<FieldError> errors = errorsOfLine.get(i);
            if (record != null) {
                errors.addAll(checks.errors(record));
            }
            if (record == null || !errors.isEmpty()) {
                rejections.add(new Rejection(line.line(), recordIdOf(kind, line), errors));
            } else {
                accepted.add(new Accepted(line.line(), record));
            }
        }
        return new Checked(accepted, rejections, checks);
    }

    private ValidatedRecord check(Clinic clinic, RecordKind kind, InboundLine line, Instant now, List<FieldError> errors) {
        if (line.json() == null) {
            errors.add(new FieldError("(record)", line.unreadableBecause()));
            return null;
        }
        if (!line.json().isObject()) {
            errors.add(new FieldError("(record)", "must be a JSON object"));
            return null;
        }
        ValidationResult result = validators.of(kind).validate(line.json(), clinic, now);
        if (!result.isValid()) {
            errors.addAll(result.errors());
            return null;
        }
        return result.record();
    }

    /**
     * Stores the accepted records: a resend with the stored content adds nothing; new or changed
     * content becomes the next version, with a task for the auditors' store and, when the clinic
     * has an EHR, a sync task. Lines are compared in order, so a record sent twice in a batch is
     * compared with itself. Each table is written in one JDBC batch: the statements per batch,
     * not per record, are what durable accept costs (BENCHMARKS.md). A record built on a stored
     * version ({@code bases}) is stored only while that version is still the latest: read in this
     * transaction, after the other channels' commits, so one of them that stored a newer version
     * meanwhile is never silently undone ({@link BaseVersionMoved}; one that commits after this read
     * takes the same version number and one of the two fails on record_version's unique key).
     *
     * @return each accepted line's outcome and version
     */
    private List<Receipts.Line> store(Clinic clinic, RecordKind kind, String receiptId, List<Accepted> accepted,
                      KindRules.Checks rules, Map<String, Long> bases, List<Receipt.LineWarning> warnings, Instant now) {
        Map<String, StoredVersion> stored = records.latestOf(clinic.id(), kind.name(),
                accepted.stream().map(a -> a.record().recordId()).toList());
        bases.forEach((recordId, base) -> {
            StoredVersion latestNow = stored.get(recordId);
            if (latestNow == null || latestNow.id() != base) {
                throw new BaseVersionMoved(kind.name());
            }
        });
        Map<String, Latest> latest = new HashMap<>();
        stored.forEach((id, v) -> latest.put(id, new Latest(v.version(), v.contentHash(), v.id(), -1, v.encounterId())));
        Set<SessionChanges.Noted> sessionsChanged = new LinkedHashSet<>();
        List<RecordVersions.NewVersion> versions = new ArrayList<>();
        List<PlannedItem> items = new ArrayList<>();
        for (Accepted a : accepted) {
            ValidatedRecord r = a.record();
            String content = r.content().toString();
            String contentHash = hash(content);
            List<Warning> found = rules.warnings(r);
            found.forEach(w -> warnings.add(new Receipt.LineWarning(a.line(), r.recordId(), w.field(), w.message())));
            Latest before = latest.get(r.recordId());
            if (before != null && before.contentHash().equals(contentHash)) {
                items.add(new PlannedItem(a, UNCHANGED, before.versionId(), before.newVersionIndex()));
                continue;
            }
            int version = before == null ? 1 : before.version() + 1;
            versions.add(new RecordVersions.NewVersion(clinic.id(), kind.name(), r.recordId(), version, r.patientMrn(),
                    r.encounterId(), content, contentHash, receiptId, now, found.isEmpty() ? null : toJson(found)));
            latest.put(r.recordId(), new Latest(version, contentHash, -1, versions.size() - 1, r.encounterId()));
            noteSessionChange(kind, before, r, receiptId, sessionsChanged);
            items.add(new PlannedItem(a, version == 1 ? "CREATED" : "UPDATED", -1, versions.size() - 1));
        }
        List<Long> ids = newVersions.storeAndQueue(clinic.id(), clinic.syncsToEhr(), versions, now);
        sessionChanges.noteAll(clinic.id(), sessionsChanged, now);
        return items.stream().map(i -> new Receipts.Line(i.accepted().line(), i.outcome(),
                i.newVersionIndex() >= 0 ? ids.get(i.newVersionIndex()) : i.versionId())).toList();
    }

    /**
     * A new encounter or dose version changes its session, and a dose moved to another session
     * changes the one it left as well (which may have lost its only esketamine dose): noted in this
     * transaction, so the sessions' derived records (their REMS forms) are refilled from what this
     * commits, and the note is never lost. Whether a session is an esketamine one is the refill's
     * question, not intake's.
     */
    private static void noteSessionChange(RecordKind kind, Latest before, ValidatedRecord r, String receiptId,
                                          Set<SessionChanges.Noted> changed) {
        if (kind != RecordKind.ENCOUNTER && kind != RecordKind.DOSE) {
            return;
        }
        // an encounter's encounterId is its own id; a dose's, its session's
        if (r.encounterId() != null) {
            changed.add(new SessionChanges.Noted(r.encounterId(), receiptId));
        }
        if (before != null && before.encounterId() != null) {
            changed.add(new SessionChanges.Noted(before.encounterId(), receiptId));
        }
    }

    private static String recordIdOf(RecordKind kind, InboundLine line) {
        if (line.json() == null || !line.json().isObject()) {
            return null;
        }
        JsonNode id = line.json().get(kind.idField());
        return id != null && id.isTextual() && RecordIds.isValid(id.asText()) ? id.asText() : null;
    }

    /** The content hash of a stored version (SHA-256, hex): what "unchanged" compares. */
    public static String hash(String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Accepted(int line, ValidatedRecord record) {
    }

    /** A batch after the contract's checks: what is accepted, what is rejected and why, the kind's rules for the batch. */
    private record Checked(List<Accepted> accepted, List<Rejection> rejections, KindRules.Checks rules) {
    }

    /** A record's latest version while a batch is stored: stored already (versionId) or new in it (its index). */
    private record Latest(int version, String contentHash, long versionId, int newVersionIndex, String encounterId) {
    }

    /** A receipt line before the new versions have their ids. */
    private record PlannedItem(Accepted accepted, String outcome, long versionId, int newVersionIndex) {
    }
}
