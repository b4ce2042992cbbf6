package org.ketabridge.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.IntakeFiles;
import org.ketabridge.db.IntakeFiles.IntakeFile;
import org.ketabridge.db.Receipts;
import org.ketabridge.record.RecordKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A source too large for one transaction (a CSV file of a million rows), taken in parts: each
 * part is checked and stored as {@link RecordIntake} does a request, in a transaction of its own
 * that also adds the part to the source's one receipt and moves the source's progress past it.
 * A crash therefore leaves whole parts only, and the progress says exactly which: a restart goes
 * on after the last committed row and never applies a row twice (re-applying an earlier row would
 * store an older content of a record the source changes further on as a new version).
 * An unfinished source is known by its content (resumed under any name); content read to the end
 * before is a new source when it comes again (the stored records may have changed since).
 */
@Service
public class StreamedIntake {

    private static final Logger log = LoggerFactory.getLogger(StreamedIntake.class);
    private static final TypeReference<List<Rejection>> REJECTIONS = new TypeReference<>() { };
    /** The channel of the metrics' counts: a streamed source is a CSV drop (the one there is). */
    private static final String STREAMED_CHANNEL = "csv";

    private final RecordIntake intake;
    private final VitalRows vitalRows;
    private final IntakeFiles files;
    private final Receipts receipts;
    private final ObjectMapper json;
    private final Clock clock;
    private final IntakeMeters meters;

    public StreamedIntake(RecordIntake intake, VitalRows vitalRows, IntakeFiles files, Receipts receipts,
                          ObjectMapper json, Clock clock, IntakeMeters meters) {
        this.intake = intake;
        this.vitalRows = vitalRows;
        this.files = files;
        this.receipts = receipts;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    /** What a source's parts have given so far: its receipt, rows committed, counts, and whether every row is in. */
    public record Progress(String clinicId, String contentHash, String receiptId, long rowsCommitted, boolean finished,
                           int accepted, int unchanged, int rejected) {
    }

    /** What one part holds: records of a kind, or vital sets as rows of their own (merged into their encounters). */
    public enum PartOf {
        PATIENTS(RecordKind.PATIENT), ENCOUNTERS(RecordKind.ENCOUNTER), VITALS(RecordKind.ENCOUNTER),
        DOSES(RecordKind.DOSE), SCORES(RecordKind.SCORE);

        private final RecordKind kind;

        PartOf(RecordKind kind) {
            this.kind = kind;
        }

        /** The name the receipt's kind shows: the file's, {@code vitals} for vital rows. */
        public String receiptKind() {
            return this == VITALS ? "vitals" : kind.collection();
        }
    }

    /**
     * The progress of a source of this clinic with this content started and not finished (to
     * resume it), if any. A content read to the end before is a new source when it comes again.
     */
    public Optional<Progress> unfinishedOf(Clinic clinic, String contentHash) {
        return files.unfinished(clinic.id(), contentHash).map(this::progress);
    }

    /**
     * The progress of the source filling this receipt of the clinic, if a source does: whether
     * every row of it is committed already (then it must never be read again, only finished).
     */
    public Optional<Progress> progressOf(Clinic clinic, String receiptId) {
        return files.ofReceipt(clinic.id(), receiptId).map(this::progress);
    }

    /** A new source: its (empty) receipt and its progress at row 0, in one transaction. */
    @Transactional
    public Progress start(Clinic clinic, PartOf of, String channel, String sourceName, String contentHash, long size) {
        String receiptId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        receipts.insert(receiptId, clinic.id(), of.receiptKind(), channel, now, 0, 0, "[]");
        files.insert(clinic.id(), contentHash, sourceName, size, receiptId, now);
        return new Progress(clinic.id(), contentHash, receiptId, 0, false, 0, 0, 0);
    }

    /**
     * One part: {@code rows} rows of the source read after the committed ones, of which
     * {@code lines} are the records (blank rows hold none). Checked and stored, added to the
     * receipt, the progress moved past it: one transaction.
     */
    @Transactional
    public Progress acceptPart(Clinic clinic, PartOf of, Progress progress, List<InboundLine> lines, long rows) {
        Instant now = clock.instant();
        RecordIntake.StoredPart part = switch (of) {
            case VITALS -> vitalPart(clinic, progress, lines, now);
            case ENCOUNTERS -> {
                // A source whose encounters carry no vitals (they come as rows of their own) keeps the stored ones.
                VitalRows.WithVitals encounters = vitalRows.withStoredVitals(clinic, lines);
                yield intake.acceptPart(clinic, of.kind, progress.receiptId(), encounters.lines(), encounters.bases(), now);
            }
            default -> intake.acceptPart(clinic, of.kind, progress.receiptId(), lines, now);
        };
        receipts.appendPart(progress.receiptId(), progress.rowsCommitted(), part.accepted(), part.unchanged(),
                part.rejections().size(), toJson(part.rejections()), toJson(part.warnings()), part.lines());
        meters.received(clinic.id(), of.receiptKind(), STREAMED_CHANNEL, part.accepted(), part.rejections().size());
        long committed = progress.rowsCommitted() + rows;
        files.advance(clinic.id(), progress.receiptId(), progress.rowsCommitted(), committed);
        Progress next = new Progress(progress.clinicId(), progress.contentHash(), progress.receiptId(), committed, false,
                progress.accepted() + part.accepted(), progress.unchanged() + part.unchanged(),
                progress.rejected() + part.rejections().size());
        log.info("Receipt {} for clinic {} ({} via file): {} rows read so far, {} accepted ({} unchanged), {} rejected",
                next.receiptId(), clinic.id(), of.receiptKind(), committed, next.accepted(), next.unchanged(), next.rejected());
        return next;
    }

    /** Every row of the source is committed. */
    @Transactional
    public Progress finish(Progress progress) {
        files.finish(progress.clinicId(), progress.receiptId(), clock.instant());
        return new Progress(progress.clinicId(), progress.contentHash(), progress.receiptId(), progress.rowsCommitted(),
                true, progress.accepted(), progress.unchanged(), progress.rejected());
    }

    /**
     * Each refused row of a source's receipt, in row order, read a few parts at a time (for the
     * report beside the file): never every refused row of a large file at once.
     */
    public void forEachRejection(Progress progress, Consumer<Rejection> each) {
        receipts.forEachRejections(progress.receiptId(), document -> {
            try {
                json.readValue(document, REJECTIONS).forEach(each);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a receipt's rejections are not readable", e);
            }
        });
    }

    private RecordIntake.StoredPart vitalPart(Clinic clinic, Progress progress, List<InboundLine> rows, Instant now) {
        VitalRows.Merged merged = vitalRows.merge(clinic, rows, now);
        RecordIntake.StoredPart encounters = intake.acceptPart(clinic, RecordKind.ENCOUNTER, progress.receiptId(),
                merged.encounters(), merged.bases(), now);
        List<Rejection> rejections = new ArrayList<>(merged.refused());
        for (Rejection refused : encounters.rejections()) {
            rejections.addAll(vitalRows.refusedRows(merged.groupOfLine().get(refused.line()), refused));
        }
        rejections.sort((a, b) -> Integer.compare(a.line(), b.line()));
        List<Receipts.Line> lines = new ArrayList<>();
        int accepted = 0;
        int unchanged = 0;
        for (Receipts.Line stored : encounters.lines()) {
            for (int rowLine : merged.groupOfLine().get(stored.line()).rowLines()) {
                lines.add(new Receipts.Line(rowLine, stored.outcome(), stored.recordVersionId()));
                accepted++;
                unchanged += stored.outcome().equals("UNCHANGED") ? 1 : 0;
            }
        }
        lines.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new RecordIntake.StoredPart(accepted, unchanged, List.copyOf(rejections), encounters.warnings(), lines);
    }

    private Progress progress(IntakeFile file) {
        Receipts.Counts counts = receipts.counts(file.receiptId()).orElseThrow();
        return new Progress(file.clinicId(), file.contentHash(), file.receiptId(), file.rowsCommitted(), file.finished(),
                counts.acceptedCount(), counts.unchangedCount(), counts.rejectedCount());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
