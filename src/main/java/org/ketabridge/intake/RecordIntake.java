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
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.ketabridge.config.Clinic;
import org.ketabridge.store.ReceiptStore;
import org.ketabridge.store.RecordStore;
import org.ketabridge.store.StoredVersion;
import org.ketabridge.store.StoreQueue;
import org.ketabridge.store.SyncQueue;
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

    private final RecordValidators validators;
    private final DoseWarnings doseWarnings;
    private final RecordStore records;
    private final ReceiptStore receipts;
    private final SyncQueue syncQueue;
    private final StoreQueue storeQueue;
    private final ObjectMapper json;
    private final Clock clock;

    public RecordIntake(RecordValidators validators, DoseWarnings doseWarnings, RecordStore records, ReceiptStore receipts,
                        SyncQueue syncQueue, StoreQueue storeQueue, ObjectMapper json, Clock clock) {
        this.validators = validators;
        this.doseWarnings = doseWarnings;
        this.records = records;
        this.receipts = receipts;
        this.syncQueue = syncQueue;
        this.storeQueue = storeQueue;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    public Receipt accept(IntakeBatch batch) {
        return accept(batch.clinic(), batch.kind(), batch.channel(), batch.lines());
    }

    @Transactional
    public Receipt accept(Clinic clinic, RecordKind kind, String channel, List<InboundLine> lines) {
        Instant now = clock.instant();
        String receiptId = UUID.randomUUID().toString();
        List<Rejection> rejections = new ArrayList<>();
        List<Accepted> accepted = new ArrayList<>();
        for (InboundLine line : lines) {
            List<FieldError> errors = new ArrayList<>();
            ValidatedRecord record = check(clinic, kind, line, now, errors);
            if (record == null) {
                rejections.add(new Rejection(line.line(), recordIdOf(kind, line), errors));
            } else {
                accepted.add(new Accepted(line.line(), record));
            }
        }
        receipts.insert(receiptId, clinic.id(), kind.collection(), channel, now, accepted.size(),
                rejections.size(), toJson(rejections));
        int unchanged = 0;
        List<Receipt.LineWarning> warnings = new ArrayList<>();
        for (Accepted a : accepted) {
            List<Warning> found = a.record().kind() == RecordKind.DOSE ? doseWarnings.check(clinic, a.record()) : List.of();
            found.forEach(w -> warnings.add(new Receipt.LineWarning(a.line(), a.record().recordId(), w.field(), w.message())));
            unchanged += store(clinic, receiptId, a, found, now) ? 1 : 0;
        }
        receipts.complete(receiptId, unchanged, toJson(warnings));
        log.info("Receipt {} for clinic {} ({} via {}): {} accepted ({} unchanged), {} rejected",
                receiptId, clinic.id(), kind.collection(), channel, accepted.size(), unchanged, rejections.size());
        return new Receipt(receiptId, clinic.id(), kind.collection(), accepted.size(), unchanged, rejections.size(),
                List.copyOf(rejections), List.copyOf(warnings));
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
        ValidatedRecord record = result.record();
        if (kind == RecordKind.DOSE) {
            checkDosePatientMatchesEncounter(clinic, record, errors);
        }
        return errors.isEmpty() ? record : null;
    }

    /** "patientMrn must match the encounter's patient once both are known." */
    private void checkDosePatientMatchesEncounter(Clinic clinic, ValidatedRecord dose, List<FieldError> errors) {
        records.latest(clinic.id(), RecordKind.ENCOUNTER.name(), dose.encounterId())
                .filter(encounter -> !encounter.patientMrn().equals(dose.patientMrn()))
                .ifPresent(encounter -> errors.add(new FieldError("patientMrn",
                        "does not match the patient of encounter " + dose.encounterId())));
    }

    /**
     * Stores one accepted record: a resend with the stored content adds nothing; new or changed
     * content becomes the next version, with a task for the auditors' store and, when the clinic has
     * an EHR, a sync task. Lines of
     * one batch are stored in order, so a record sent twice in a batch is compared with itself.
     *
     * @return whether the record was unchanged
     */
    private boolean store(Clinic clinic, String receiptId, Accepted a, List<Warning> warnings, Instant now) {
        ValidatedRecord r = a.record();
        String content = r.content().toString();
        String contentHash = hash(content);
        Optional<StoredVersion> latest = records.latest(clinic.id(), r.kind().name(), r.recordId());
        if (latest.isPresent() && latest.get().contentHash().equals(contentHash)) {
            receipts.insertItem(receiptId, a.line(), r.kind().name(), r.recordId(), "UNCHANGED", latest.get().id());
            return true;
        }
        int version = latest.map(v -> v.version() + 1).orElse(1);
        long versionId = records.insert(clinic.id(), r.kind().name(), r.recordId(), version, r.patientMrn(),
                r.encounterId(), content, contentHash, receiptId, now, warnings.isEmpty() ? null : toJson(warnings));
        receipts.insertItem(receiptId, a.line(), r.kind().name(), r.recordId(), version == 1 ? "CREATED" : "UPDATED", versionId);
        storeQueue.enqueue(versionId, clinic.id(), now);
        if (clinic.syncsToEhr()) {
            syncQueue.enqueue(versionId, clinic.id(), r.kind().name(), r.recordId(), now);
        }
        return false;
    }

    private static String recordIdOf(RecordKind kind, InboundLine line) {
        if (line.json() == null || !line.json().isObject()) {
            return null;
        }
        JsonNode id = line.json().get(kind.idField());
        return id != null && id.isTextual() && org.ketabridge.config.RecordIds.isValid(id.asText()) ? id.asText() : null;
    }

    static String hash(String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Accepted(int line, ValidatedRecord record) {
    }
}
