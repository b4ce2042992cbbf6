package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Holds a record version the validation gate passed and HAPI's full validator then rejected (the
 * tripwire, issue 16): its remembered verdict goes (every path validates it in full from now on),
 * and its EHR task, by its state, in one statement: PENDING or WAITING becomes a dead letter with
 * the validator's error (a replay validates it in full, and fails it with HAPI's messages);
 * UNCERTAIN stays uncertain (clinic IT decides) with a note; SENT, DEAD and NOT_ACCEPTED stay as
 * they are. A claim on the task is left alone: a write under way at that moment ends as it ends
 * (sent: then the task says so; a retry: then it is validated in full and dead-lettered).
 *
 * <p>The auditors' store has no dead letter (it is the bridge's own database): a pending store
 * task keeps its state with the error as its last one, and its next attempt validates in full.
 */
@Repository
public class GateHolds {

    /** Where a held record version stands: its EHR task (null: its clinic has none) and its store task. */
    public record Hold(Long syncTaskId, String syncStatus, String storeStatus) {

        /** The EHR has it: the tripwire caught it after it was sent. */
        public boolean sentBeforeCaught() {
            return SyncQueue.SENT.equals(syncStatus);
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    public GateHolds(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Holds the version: {@code error} is the validator's (for the dead letter, as any validation
     * failure's), {@code note} what an uncertain task is told. Returns where it stands now.
     */
    public Hold hold(long recordVersionId, String error, String note, Instant now) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return transaction.execute(status -> {
            jdbc.sql("delete from validated_version where record_version_id = ?").param(recordVersionId).update();
            jdbc.sql("update sync_task set"
                            + " status = case when status in ('PENDING', 'WAITING') then 'DEAD' else status end,"
                            + " last_error = case when status in ('PENDING', 'WAITING') then :error else last_error end,"
                            + " waiting_for = case when status in ('PENDING', 'WAITING') then null else waiting_for end,"
                            + " awaiting = case when status in ('PENDING', 'WAITING') then null else awaiting end,"
                            + " note = case when status = 'UNCERTAIN' then :note else note end,"
                            + " updated_at = :now"
                            + " where record_version_id = :version and status in ('PENDING', 'WAITING', 'UNCERTAIN')")
                    .param("error", truncate(error, 4000))
                    .param("note", truncate(note, 1000))
                    .param("now", at)
                    .param("version", recordVersionId)
                    .update();
            jdbc.sql("update store_task set last_error = ? where record_version_id = ? and status = 'PENDING'")
                    .params(truncate(error, 4000), recordVersionId)
                    .update();
            return state(recordVersionId);
        });
    }

    /** Where the version stands now (a write under way when it was held may have ended since). */
    public Hold state(long recordVersionId) {
        var sync = jdbc.sql("select id, status from sync_task where record_version_id = ?")
                .param(recordVersionId)
                .query((rs, i) -> new Object[] {rs.getLong(1), rs.getString(2)})
                .optional();
        String store = jdbc.sql("select status from store_task where record_version_id = ?")
                .param(recordVersionId)
                .query(String.class)
                .optional()
                .orElse(null);
        return new Hold(sync.map(s -> (Long) s[0]).orElse(null), sync.map(s -> (String) s[1]).orElse(null), store);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
