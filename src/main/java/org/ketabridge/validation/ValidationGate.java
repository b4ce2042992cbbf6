package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Lets a record skip the full validator when its shape ({@link ShapeKey}) is admitted and its
 * values pass {@link FastCheck}. A shape is admitted once the full validator has passed
 * {@code admit-after} records of it with different content and no error; a shape any record of
 * which had an error is never admitted (remembered for the life of the process). At most
 * {@code max-shapes} shapes are remembered; when full, new shapes are not tracked (their records
 * are always validated in full), so nothing remembered, a failure least of all, is ever evicted.
 *
 * A shape is admitted only if {@link ProfileSelfCheck} finds every rule of the definitions it
 * uses covered (structure-only, or implemented by {@link FastCheck}); a refused shape is counted
 * and its records always validated in full.
 *
 * <p>Off by default ({@code bridge.validation.gate.enabled}): the tripwire sample that completes
 * the guarantee comes next.
 */
@Component
public class ValidationGate {

    private static final Logger log = LoggerFactory.getLogger(ValidationGate.class);
    private static final long LOG_EVERY = 10_000;

    /** What the gate decided for one record: pass it, or ask the full validator (with the key to report back under). */
    public record Decision(boolean passes, String shape) {
    }

    private final boolean enabled;
    private final int admitAfter;
    private final int maxShapes;
    private final GateWalk walk;
    private final ProfileSelfCheck selfCheck;
    private final FhirContext fhir;
    private final Map<String, Shape> shapes = new ConcurrentHashMap<>();
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong asked = new AtomicLong();

    @Autowired
    public ValidationGate(@Value("${bridge.validation.gate.enabled:false}") boolean enabled,
                          @Value("${bridge.validation.gate.admit-after:5}") int admitAfter,
                          @Value("${bridge.validation.gate.max-shapes:10000}") int maxShapes,
                          ShapeKey keys, FastCheck fastCheck, ProfileSelfCheck selfCheck, FhirContext fhir) {
        if (admitAfter < 1 || maxShapes < 1) {
            throw new IllegalArgumentException("bridge.validation.gate: admit-after and max-shapes must be at least 1");
        }
        this.enabled = enabled;
        this.admitAfter = admitAfter;
        this.maxShapes = maxShapes;
        this.walk = new GateWalk(new ElementChildren(fhir), keys, fastCheck);
        this.selfCheck = selfCheck;
        this.fhir = fhir;
    }

    /** A gate that never lets anything pass: every record goes to the full validator, as before the gate. */
    public static ValidationGate disabled(FhirContext fhir) {
        return new ValidationGate(false, 1, 1, null, null, null, fhir);
    }

    public Decision decide(MappedRecord record) {
        if (!enabled) {
            return new Decision(false, null);
        }
        GateWalk.Reading reading = walk.read(record); // the key and the fast check in one walk
        Shape shape = shapes.get(reading.shape());
        boolean passes = shape != null && shape.admitted() && reading.valuesValid();
        count(passes ? passed : asked);
        return new Decision(passes, reading.shape());
    }

    /** The full validator passed this record: one more distinct pass for its shape. */
    public void validated(Decision decision, MappedRecord record) {
        if (decision.shape() == null) {
            return;
        }
        Shape shape = shape(decision.shape());
        if (shape != null) {
            shape.passed(contentDigest(record), admitAfter, () -> selfCheck.admits(record));
        }
    }

    /** The full validator found errors in this record: its shape is never admitted. */
    public void rejected(Decision decision) {
        if (decision.shape() == null) {
            return;
        }
        Shape shape = shape(decision.shape());
        if (shape != null) {
            shape.failed();
        }
    }

    private Shape shape(String key) {
        Shape known = shapes.get(key);
        if (known != null || shapes.size() >= maxShapes) {
            return known; // full: a new shape is not tracked, so it is never admitted
        }
        return shapes.computeIfAbsent(key, k -> new Shape());
    }

    private void count(AtomicLong counter) {
        counter.incrementAndGet();
        long total = passed.get() + asked.get();
        if (total % LOG_EVERY == 0) {
            log.info("validation gate: {} records passed on an admitted shape, {} validated in full, {} shapes known",
                    passed.get(), asked.get(), shapes.size());
        }
    }

    /** Counts for health: no patient data, only how many records took which way, and how many shapes. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("enabled", enabled);
        status.put("passedOnAdmittedShape", passed.get());
        status.put("validatedInFull", asked.get());
        status.put("shapesKnown", shapes.size());
        status.put("shapesAdmitted", shapes.values().stream().filter(Shape::admitted).count());
        status.put("shapesFailed", shapes.values().stream().filter(Shape::hasFailed).count());
        status.put("shapesRefusedBySelfCheck", shapes.values().stream().filter(Shape::refused).count());
        return status;
    }

    /** What tells two records of one shape apart: their resources as JSON. */
    private long contentDigest(MappedRecord record) {
        var parser = fhir.newJsonParser();
        StringBuilder json = new StringBuilder();
        for (MappedResource r : record.resources()) {
            json.append(parser.encodeResourceToString(r.resource())).append('\n');
        }
        return ByteBuffer.wrap(ShapeKey.sha256(json.toString().getBytes(StandardCharsets.UTF_8))).getLong();
    }

    /**
     * One shape's record: the distinct contents that passed (until admitted), whether any failed,
     * and whether the self-check refused it (a rule the fast check does not implement).
     */
    private static final class Shape {
        private final java.util.Set<Long> passes = new java.util.HashSet<>();
        private volatile boolean admitted;
        private volatile boolean failed;
        private volatile boolean refused;

        synchronized void passed(long content, int admitAfter, BooleanSupplier rulesCovered) {
            if (failed || admitted || refused) {
                return;
            }
            passes.add(content);
            if (passes.size() >= admitAfter) {
                admitted = rulesCovered.getAsBoolean();
                refused = !admitted;
                passes.clear();
            }
        }

        synchronized void failed() {
            failed = true;
            admitted = false;
            passes.clear();
        }

        boolean admitted() {
            return admitted && !failed;
        }

        boolean hasFailed() {
            return failed;
        }

        boolean refused() {
            return refused;
        }
    }
}
