package org.ketabridge.validation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many records took which way through the validation gate, for health and a log line every
 * {@value #LOG_EVERY} decisions: passed on an admitted shape, validated in full, and of the passed
 * ones, how many the tripwire sampled, dropped (its queue was full), checked, and disagreed on.
 * Counts only: no patient data.
 */
final class GateCounts {

    private static final Logger log = LoggerFactory.getLogger(ValidationGate.class);
    private static final long LOG_EVERY = 10_000;

    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong validatedInFull = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong samplesDropped = new AtomicLong();
    private final AtomicLong samplesChecked = new AtomicLong();
    private final AtomicLong disagreements = new AtomicLong();

    void decided(boolean passes, int shapesKnown) {
        (passes ? passed : validatedInFull).incrementAndGet();
        long total = passed.get() + validatedInFull.get();
        if (total % LOG_EVERY == 0) {
            log.info("validation gate: {} records passed on an admitted shape, {} validated in full, {} shapes known;"
                    + " tripwire: {} sampled, {} dropped, {} disagreements",
                    passed.get(), validatedInFull.get(), shapesKnown, sampled.get(), samplesDropped.get(), disagreements.get());
        }
    }

    void sampled() {
        sampled.incrementAndGet();
    }

    void sampleDropped() {
        samplesDropped.incrementAndGet();
    }

    void sampleChecked(boolean agreed) {
        samplesChecked.incrementAndGet();
        if (!agreed) {
            disagreements.incrementAndGet();
        }
    }

    long passed() {
        return passed.get();
    }

    long sampledCount() {
        return sampled.get();
    }

    long droppedCount() {
        return samplesDropped.get();
    }

    long checkedCount() {
        return samplesChecked.get();
    }

    long disagreementCount() {
        return disagreements.get();
    }

    /** The decisions' counts, for health. */
    Map<String, Object> decisions() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("passedOnAdmittedShape", passed.get());
        counts.put("validatedInFull", validatedInFull.get());
        return counts;
    }

    /** The tripwire's counts, for health. */
    Map<String, Object> samples() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("sampled", sampled.get());
        counts.put("dropped", samplesDropped.get());
        counts.put("checked", samplesChecked.get());
        counts.put("disagreements", disagreements.get());
        return counts;
    }
}
