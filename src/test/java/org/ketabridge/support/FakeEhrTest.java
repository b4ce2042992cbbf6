package org.ketabridge.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.FakeEhr.Write;

/**
 * The exactly-once check counts what the EHR would hold, so it fails when the bridge's writes
 * would leave a duplicate: two conditional creates of one identifier in process at once each
 * create a resource, and a write without an identifier creates one every time.
 */
class FakeEhrTest {

    private static final String PATIENT = "urn:ketabridge:alpha/mrn|M1";
    private static final String SERIES = "urn:ketabridge:alpha/series|S1";

    private static Write put(String identifier, int status, long arrivedAt, long answeredAt) {
        return new Write("PUT", identifier, status, false, arrivedAt, answeredAt);
    }

    @Test
    void aConditionalWriteAfterAnotherWasAnsweredUpdatesTheSameResource() {
        List<Write> writes = List.of(put(PATIENT, 200, 1_000, 1_040), put(PATIENT, 200, 1_040, 1_090));
        assertThat(FakeEhr.held(writes, false)).containsEntry(PATIENT, 1);
        FakeEhr.assertHeldOnce(writes, List.of(PATIENT), false);
    }

    @Test
    void twoConditionalWritesInProcessAtOnceBothCreate() {
        // Two encounters of one series written at once: each PUT EpisodeOfCare?identifier=... found none.
        List<Write> writes = List.of(put(SERIES, 201, 1_000, 1_100), put(SERIES, 201, 1_050, 1_120), put(PATIENT, 200, 900, 950));
        assertThat(FakeEhr.held(writes, false)).containsEntry(SERIES, 2).containsEntry(PATIENT, 1);
        assertThatThrownBy(() -> FakeEhr.assertHeldOnce(writes, List.of(PATIENT), false))
                .as("a duplicate anywhere fails the check, not only among the identifiers asked for")
                .isInstanceOf(AssertionError.class).hasMessageContaining(SERIES);
        assertThatThrownBy(() -> FakeEhr.assertHeldOnce(writes, List.of(SERIES), false))
                .isInstanceOf(AssertionError.class).hasMessageContaining(SERIES);
    }

    @Test
    void aRefusedWriteHoldsNothingAndAProcessedFaultHoldsWhatItSent() {
        Write refused = put(PATIENT, 500, 1_000, 1_010);
        Write dropped = new Write("PUT", PATIENT, 0, true, 1_020, 1_020);
        assertThat(FakeEhr.held(List.of(refused), false)).doesNotContainKey(PATIENT);
        assertThatThrownBy(() -> FakeEhr.assertHeldOnce(List.of(refused), List.of(PATIENT), false))
                .isInstanceOf(AssertionError.class);
        assertThat(FakeEhr.held(List.of(refused, dropped), true)).containsEntry(PATIENT, 1);
    }

    @Test
    void aRepeatedWriteToAFixedIdIsOneResource() {
        String provenance = "Provenance/kb-0123456789abcdef0123456789abcdef";
        List<Write> writes = List.of(put(provenance, 200, 1_000, 1_100), put(provenance, 200, 1_010, 1_110));
        assertThat(FakeEhr.held(writes, false)).containsEntry(provenance, 1);
    }

    @Test
    void everyWriteWithoutAnIdentifierIsAResourceOfItsOwn() {
        List<Write> writes = List.of(new Write("POST", null, 201, false, 1_000, 1_010),
                new Write("POST", null, 201, false, 2_000, 2_010));
        assertThat(FakeEhr.held(writes, false)).containsEntry(FakeEhr.UNCONDITIONAL, 2);
    }
}
