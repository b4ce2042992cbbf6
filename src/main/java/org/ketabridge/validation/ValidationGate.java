package org.ketabridge.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.VersionUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.ketabridge.db.GateShapes;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.ketabridge.mapping.Terminology;
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
 * <p>Shapes admitted or failed are written through to the database ({@link GateShapes}) and loaded
 * at start, so a restarted bridge passes records of admitted shapes before HAPI's validator has
 * loaded. The {@link Tripwire} validates a sample of the passed records in full; a disagreement
 * {@link #trip() trips} the gate (nothing passes for the rest of the process) and fails the shape.
 */
@Component
public class ValidationGate {

    private static final Logger log = LoggerFactory.getLogger(ValidationGate.class);

    /**
     * What a remembered admission also depends on: the validator's settings, and the value rules the
     * self-check counted as covered when it admitted the shape. A release that implements fewer
     * rules must not trust shapes admitted under more, so they are not loaded.
     */
    static final String REMEMBERED_UNDER = ResourceValidator.SETTINGS + "; fast check "
            + new TreeSet<>(FastCheck.IMPLEMENTED_CONSTRAINTS);

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
    private final GateCounts counts = new GateCounts();
    private final AtomicBoolean tripped = new AtomicBoolean();
    // Where shapes outlive the process; null: in memory only (tests of the gate alone).
    private final GateShapes stored;
    private final GateShapes.Versions versions;
    private final Clock clock;

    /** A gate that remembers its shapes in memory only. */
    public ValidationGate(boolean enabled, int admitAfter, int maxShapes, ShapeKey keys, FastCheck fastCheck,
                          ProfileSelfCheck selfCheck, FhirContext fhir) {
        this(enabled, admitAfter, maxShapes, keys, fastCheck, selfCheck, fhir, (GateShapes) null, (GateShapes.Versions) null,
                Clock.systemUTC());
    }

    /** The bridge's gate: its shapes in the database, those of the current versions loaded now. */
    @Autowired
    public ValidationGate(@Value("${bridge.validation.gate.enabled:true}") boolean enabled,
                          @Value("${bridge.validation.gate.admit-after:5}") int admitAfter,
                          @Value("${bridge.validation.gate.max-shapes:10000}") int maxShapes,
                          ShapeKey keys, FastCheck fastCheck, ProfileSelfCheck selfCheck, FhirContext fhir,
                          Terminology terms, GateShapes stored, Clock clock) {
        this(enabled, admitAfter, maxShapes, keys, fastCheck, selfCheck, fhir, stored,
                new GateShapes.Versions(VersionUtil.getVersion(), REMEMBERED_UNDER, ShapeKey.definitionsDigest(fhir, terms)),
                clock);
    }

    private ValidationGate(boolean enabled, int admitAfter, int maxShapes, ShapeKey keys, FastCheck fastCheck,
                           ProfileSelfCheck selfCheck, FhirContext fhir, GateShapes stored, GateShapes.Versions versions,
                           Clock clock) {
        if (admitAfter < 1 || maxShapes < 1) {
            throw new IllegalArgumentException("bridge.validation.gate: admit-after and max-shapes must be at least 1");
        }
        this.enabled = enabled;
        this.admitAfter = admitAfter;
        this.maxShapes = maxShapes;
        this.walk = new GateWalk(new ElementChildren(fhir), keys, fastCheck);
        this.selfCheck = selfCheck;
        this.fhir = fhir;
        this.stored = stored;
        this.versions = versions;
        this.clock = clock;
        if (enabled && stored != null) {
            load();
        }
    }

    /**
     * The shapes remembered under the current versions: failed ones first, up to max-shapes. Those
     * of other versions are deleted first (a bridge of another release sharing the database during
     * a rolling upgrade only validates more for it: see {@link GateShapes#forgetOtherVersions}).
     */
    private void load() {
        int forgotten = stored.forgetOtherVersions(versions);
        if (forgotten > 0) {
            log.info("validation gate: {} shapes of other versions (HAPI, validator settings or fhir-mapping/) forgotten", forgotten);
        }
        int admitted = 0;
        for (GateShapes.Stored s : stored.load(versions)) {
            if (shapes.size() >= maxShapes) {
                break;
            }
            shapes.put(s.shapeKey(), Shape.remembered(s.failed()));
            admitted += s.failed() ? 0 : 1;
        }
        log.info("validation gate: {} admitted and {} failed shapes remembered from before", admitted, shapes.size() - admitted);
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
        boolean passes = !tripped.get() && shape != null && shape.admitted() && reading.valuesValid();
        counts.decided(passes, shapes.size());
        return new Decision(passes, reading.shape());
    }

    /** The full validator passed this record: one more distinct pass for its shape. */
    public void validated(Decision decision, MappedRecord record) {
        if (decision.shape() == null) {
            return;
        }
        Shape shape = shape(decision.shape());
        if (shape != null && shape.passed(contentDigest(record), admitAfter, () -> selfCheck.admits(record))) {
            remember(decision.shape(), false);
        }
    }

    /** The full validator found errors in this record: its shape is never admitted. */
    public void rejected(Decision decision) {
        if (decision.shape() == null) {
            return;
        }
        Shape shape = shape(decision.shape());
        if (shape != null && shape.failed()) {
            remember(decision.shape(), true);
        }
    }

    /**
     * The tripwire found an error in a record of this shape that the gate passed: the shape is
     * failed for good (tracked even when max-shapes are, and written through).
     */
    void failed(String key) {
        if (shapes.computeIfAbsent(key, k -> new Shape()).failed()) {
            remember(key, true);
        }
    }

    /** Nothing passes from now on, for the rest of the process: true for the call that tripped it. */
    boolean trip() {
        return tripped.compareAndSet(false, true);
    }

    GateCounts counts() {
        return counts;
    }

    /** Written through, on the path that changed it (once per shape and state); a failure to write is logged, not fatal. */
    private void remember(String key, boolean failed) {
        if (stored == null) {
            return;
        }
        try {
            if (failed) {
                stored.failed(key, versions, clock.instant());
            } else {
                stored.admitted(key, admitAfter, versions, clock.instant());
            }
        } catch (RuntimeException e) {
            log.warn("validation gate: shape {} {} in this process only, not in the database: {}", key,
                    failed ? "failed" : "admitted", e.toString());
        }
    }

    private Shape shape(String key) {
        Shape known = shapes.get(key);
        if (known != null || shapes.size() >= maxShapes) {
            return known; // full: a new shape is not tracked, so it is never admitted
        }
        return shapes.computeIfAbsent(key, k -> new Shape());
    }

    /** Counts for health: no patient data, only how many records took which way, and how many shapes. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("enabled", enabled);
        status.put("tripped", tripped.get());
        status.putAll(counts.decisions());
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

        /** As remembered from before this process. */
        static Shape remembered(boolean failed) {
            Shape shape = new Shape();
            shape.failed = failed;
            shape.admitted = !failed;
            return shape;
        }

        /** True when this pass admitted it (the self-check may refuse it instead: never admitted then). */
        synchronized boolean passed(long content, int admitAfter, BooleanSupplier rulesCovered) {
            if (failed || admitted || refused) {
                return false;
            }
            passes.add(content);
            if (passes.size() >= admitAfter) {
                admitted = rulesCovered.getAsBoolean();
                refused = !admitted;
                passes.clear();
                return admitted;
            }
            return false;
        }

        /** True when it had not failed before. */
        synchronized boolean failed() {
            boolean first = !failed;
            failed = true;
            admitted = false;
            passes.clear();
            return first;
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
