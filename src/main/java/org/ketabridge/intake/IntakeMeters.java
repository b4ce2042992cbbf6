package org.ketabridge.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Records accepted and refused (issue 17), as {@code ketabridge_intake_records_total{clinic, kind,
 * channel, outcome}}: the counts of the receipts, every channel alike. Counted once the receipt's
 * transaction commits, so a part rolled back and taken again (a CSV part whose base version moved)
 * counts once, and a failed commit not at all. Labels are ids and words of the contract, never a
 * record's content.
 */
@Component
public class IntakeMeters {

    private final MeterRegistry registry;

    public IntakeMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code kind}: the receipt's ({@code patients}, ..., {@code vitals}); {@code channel}: {@code http}, {@code csv}, {@code hl7}. */
    void received(String clinicId, String kind, String channel, int accepted, int refused) {
        Runnable count = () -> {
            counter(clinicId, kind, channel, "accepted").increment(accepted);
            counter(clinicId, kind, channel, "refused").increment(refused);
        };
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    count.run();
                }
            });
        } else {
            count.run();
        }
    }

    private Counter counter(String clinicId, String kind, String channel, String outcome) {
        return Counter.builder("ketabridge.intake.records")
                .description("Records received, by the receipt's outcome: accepted (unchanged ones included) or refused")
                .tags("clinic", clinicId, "kind", kind, "channel", channel, "outcome", outcome)
                .register(registry);
    }
}
