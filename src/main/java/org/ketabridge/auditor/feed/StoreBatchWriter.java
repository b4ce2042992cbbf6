package org.ketabridge.auditor.feed;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.auditor.server.AuditorStore;
import org.ketabridge.db.StoreQueue.StoreTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a batch of one clinic's record versions into the auditors' store as one transaction:
 * one commit and one pass of HAPI's transaction work for all of them, which is most of what a
 * record cost when written alone (BENCHMARKS.md, "The auditors' store's ingest"). A version that
 * cannot be mapped gets its error and stays out of the batch. If the store refuses the batch's
 * transaction, nothing of it is written (one transaction), and each version is written again
 * alone, with its own outcome as if it had never been batched: one record the store refuses
 * never blocks or loses the others. Nothing is written twice: every resource is PUT to the id its
 * identifier determines, and an unchanged PUT adds no version.
 */
@Component("storeBatchWriter")
public class StoreBatchWriter implements Processor {

    private static final Logger log = LoggerFactory.getLogger(StoreBatchWriter.class);

    private final StoreRecordWriter records;
    private final StoreOutcomes outcomes;
    private final AuditorStore store;

    public StoreBatchWriter(StoreRecordWriter records, StoreOutcomes outcomes, AuditorStore store) {
        this.records = records;
        this.outcomes = outcomes;
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        write(exchange.getIn().getBody(StoreBatch.class));
    }

    public void write(StoreBatch batch) {
        if (batch.tasks().size() == 1) {
            writeAlone(batch.tasks().get(0));
            return;
        }
        Map<StoreTask, Bundle> prepared = new LinkedHashMap<>();
        for (StoreTask task : batch.tasks()) {
            try {
                prepared.put(task, records.transactionOf(task));
            } catch (RuntimeException e) {
                outcomes.failed(task, e);
            }
        }
        if (prepared.isEmpty()) {
            return;
        }
        try {
            store.storeRecord(batch.clinicId(), oneTransaction(prepared.values()));
        } catch (RuntimeException refused) {
            log.info("A store transaction of {} record versions of clinic {} was refused ({}); writing each alone",
                    prepared.size(), batch.clinicId(), refused.getClass().getSimpleName());
            // Made again from the record, not reused: HAPI rewrote the refused Bundle's resources as it went.
            prepared.keySet().forEach(this::writeAlone);
            return;
        }
        prepared.keySet().forEach(outcomes::stored);
    }

    private void writeAlone(StoreTask task) {
        try {
            records.write(task);
        } catch (RuntimeException e) {
            outcomes.failed(task, e);
            return;
        }
        outcomes.stored(task);
    }

    /**
     * Several records' transactions as one. A resource several records bring (the clinic's
     * Organization, a series' EpisodeOfCare: the same id and placeholder, the same content) is
     * written once; HAPI refuses a transaction that names one resource twice.
     */
    public static Bundle oneTransaction(Collection<Bundle> recordTransactions) {
        Map<String, Bundle.BundleEntryComponent> byUrl = new LinkedHashMap<>();
        for (Bundle record : recordTransactions) {
            for (Bundle.BundleEntryComponent e : record.getEntry()) {
                byUrl.put(e.getRequest().getUrl(), e);
            }
        }
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        byUrl.values().forEach(transaction::addEntry);
        return transaction;
    }
}
