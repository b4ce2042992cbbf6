package org.ketabridge.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketabridge.db.GateHolds;
import org.ketabridge.db.GateShapes;
import org.ketabridge.db.StoreQueue;
import org.ketabridge.db.ValidatedVersions;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappingException;
import org.ketabridge.support.GoldenCases;
import org.ketabridge.support.TestDatabases;
import org.ketabridge.support.TestTasks;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The tripwire validates a sample of what the gate passed with HAPI's full validator, off the
 * critical path. Forced here to disagree (a fast check that calls every value valid): the gate
 * turns off, the shape is failed for good (in the database too), the record version is held
 * (its EHR task a dead letter with HAPI's message, its verdict gone) and health raises the alarm.
 */
class TripwireTest {

    private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ShapeKey KEYS = new ShapeKey(FHIR, GoldenCases.TERMS);
    private static final Duration VALIDATOR = Duration.ofMinutes(3); // loads its definitions first; slow under load

    private static DataSource db;
    private static JdbcClient jdbc;
    private static ResourceValidator validator;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.migratedH2("tripwire");
        jdbc = JdbcClient.create(new JdbcTemplate(db));
        validator = new ResourceValidator(FHIR, GoldenCases.TERMS);
    }

    /** A fast check that says VALID to anything: the gate then passes what HAPI rejects. */
    private static final class CallsEverythingValid extends FastCheck {
        CallsEverythingValid() {
            super(FHIR);
        }

        // The gate's walk asks these rules value by value: each says "certainly valid".
        @Override
        boolean placeholders(List<String> placeholders) {
            return true;
        }

        @Override
        boolean primitive(PrimitiveType<?> primitive, String type, String value) {
            return true;
        }

        @Override
        boolean composite(Base element) {
            return true;
        }

        @Override
        boolean resource(Resource resource) {
            return true;
        }
    }

    private static GateHolds holds() {
        return new GateHolds(jdbc, new DataSourceTransactionManager(db));
    }

    /** A queued encounter of clinic "trip" with a pending store task: its record version id. */
    private static long queued(String recordId) {
        long task = TestTasks.queuedEncounter(db, "trip", recordId, NOW);
        long version = jdbc.sql("select record_version_id from sync_task where id = ?").param(task).query(Long.class).single();
        new StoreQueue(new JdbcTemplate(db)).enqueueAll(List.of(version), "trip", NOW);
        return version;
    }

    private static MappedRecord withoutDayInEffective(int minutes) throws Exception {
        MappedRecord record = ValidationGateTest.encounter(minutes);
        record.resources().stream().map(r -> r.resource()).filter(Observation.class::isInstance).map(Observation.class::cast)
                .forEach(o -> o.getEffectiveDateTimeType().setValueAsString("2026-10"));
        return record;
    }

    /** The record's shape admitted (after one pass): the gate's decision for it, a pass. */
    private static ValidationGate.Decision admit(ValidationGate gate, MappedRecord record) {
        gate.validated(gate.decide(record), record);
        return gate.decide(record);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> list(Map<String, Object> status, String key) {
        return (List<Long>) status.get(key);
    }

    @Test
    void aDisagreementTurnsTheGateOffFailsTheShapeHoldsTheRecordAndRaisesTheAlarm() throws Exception {
        ValidationGate gate = new ValidationGate(true, 1, 100, KEYS, new CallsEverythingValid(), new ProfileSelfCheck(validator, FHIR), FHIR, GoldenCases.TERMS,
                new GateShapes(jdbc), CLOCK);
        Tripwire tripwire = new Tripwire(gate, validator, holds(), CLOCK, 1.0, 100, 10);
        VersionValidation validation = new VersionValidation(validator, gate, new ValidatedVersions(jdbc), tripwire, CLOCK,
                ValidationMeters.none());

        validation.check(queued("E-trip-1"), "trip", ValidationGateTest.encounter(0)); // in full: admits the shape
        long caught = queued("E-trip-2");
        MappedRecord rejected = withoutDayInEffective(1);
        String shape = KEYS.of(rejected);
        validation.check(caught, "trip", rejected); // passed by the gate: HAPI would not have

        await().atMost(VALIDATOR).until(() -> (Boolean) tripwire.status().get("alarm"));

        assertThat(gate.status()).containsEntry("tripped", true).containsEntry("shapesFailed", 1L);
        assertThat(gate.decide(ValidationGateTest.encounter(2)).passes()).as("the gate is off for the process").isFalse();
        assertThat(jdbc.sql("select state from gate_shape where shape_key = ?").param(shape).query(String.class).single())
                .as("the shape is failed for good").isEqualTo("FAILED");
        Map<String, Object> task = jdbc.sql("select status, last_error from sync_task where record_version_id = ?")
                .param(caught).query().singleRow();
        assertThat(task.get("STATUS")).isEqualTo("DEAD");
        assertThat((String) task.get("LAST_ERROR")).contains("tripwire").contains("Observation.effective");
        // Held: validated in full from now on (a replay fails it with HAPI's messages).
        assertThatThrownBy(() -> validation.check(caught, "trip", withoutDayInEffective(1))).isInstanceOf(MappingException.class);

        Map<String, Object> alarm = tripwire.status();
        assertThat(alarm).containsEntry("disagreements", 1L).containsEntry("trippedAt", NOW.toString());
        assertThat(list(alarm, "recordVersionsHeld")).containsExactly(caught);
        assertThat(list(alarm, "recordVersionsNotHeld")).isEmpty();
        assertThat(list(alarm, "sentBeforeTheTripwireCaughtIt")).isEmpty();
    }

    @Test
    void aRecordThatCannotBeHeldIsReportedNotHeldAfterThreeRetries() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        GateHolds databaseDown = new GateHolds(jdbc, new DataSourceTransactionManager(db)) {
            @Override
            public Hold hold(long recordVersionId, String error, String note, Instant now) {
                attempts.incrementAndGet();
                throw new org.springframework.dao.DataAccessResourceFailureException("database down");
            }
        };
        ValidationGate gate = new ValidationGate(true, 1, 100, KEYS, new CallsEverythingValid(), new ProfileSelfCheck(validator, FHIR), FHIR);
        Tripwire tripwire = new Tripwire(gate, validator, databaseDown, CLOCK, 1.0, 100, 1);
        validator.check(ValidationGateTest.encounter(0));
        gate.validated(gate.decide(ValidationGateTest.encounter(0)), ValidationGateTest.encounter(0));
        MappedRecord rejected = withoutDayInEffective(1);
        tripwire.passed(4242, "trip", gate.decide(rejected), rejected);

        await().atMost(VALIDATOR).until(() -> (Boolean) tripwire.status().get("alarm"));
        assertThat(attempts).hasValue(1 + Tripwire.HOLD_RETRIES);
        assertThat(list(tripwire.status(), "recordVersionsNotHeld")).containsExactly(4242L);
        assertThat(gate.status()).containsEntry("tripped", true);
    }

    @Test
    void theSampleIsTheConfiguredFractionOfThePassedRecordsByCount() throws Exception {
        ValidationGate gate = ValidationGateTest.gate(1, 100);
        MappedRecord good = ValidationGateTest.encounter(0);
        ValidationGate.Decision passed = admit(gate, good);
        assertThat(passed.passes()).isTrue();

        Tripwire tenth = new Tripwire(gate, validator, holds(), CLOCK, 0.1, 100, 1);
        for (int i = 0; i < 200; i++) {
            tenth.passed(i, "trip", passed, good);
        }
        assertThat(gate.counts().sampledCount()).as("one in ten of 200").isEqualTo(20);
        await().atMost(VALIDATOR).until(() -> gate.counts().checkedCount() + gate.counts().droppedCount() == 20);
        assertThat(gate.counts().disagreementCount()).isZero();
        assertThat(gate.status()).containsEntry("tripped", false);

        Tripwire none = new Tripwire(gate, validator, holds(), CLOCK, 0, 100, 1);
        for (int i = 0; i < 200; i++) {
            none.passed(i, "trip", passed, good);
        }
        assertThat(gate.counts().sampledCount()).as("fraction 0 samples nothing").isEqualTo(20);
    }

    @Test
    void aFullQueueDropsTheSampleAndCountsIt() throws Exception {
        ValidationGate gate = ValidationGateTest.gate(1, 100);
        MappedRecord good = ValidationGateTest.encounter(0);
        ValidationGate.Decision passed = admit(gate, good);

        Tripwire oneWaiting = new Tripwire(gate, validator, holds(), CLOCK, 1.0, 1, 1);
        for (int i = 0; i < 50; i++) {
            oneWaiting.passed(i, "trip", passed, good);
        }
        assertThat(gate.counts().sampledCount()).isEqualTo(50);
        assertThat(gate.counts().droppedCount()).as("the critical path never waits for the tripwire").isPositive();
        await().atMost(VALIDATOR).until(() -> gate.counts().checkedCount() + gate.counts().droppedCount() == 50);
        oneWaiting.stop();
    }
}
