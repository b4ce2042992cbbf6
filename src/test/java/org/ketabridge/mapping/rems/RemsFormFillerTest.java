package org.ketabridge.mapping.rems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketabridge.mapping.rems.RemsFormGoldenTest.answer;
import static org.ketabridge.mapping.rems.RemsFormGoldenTest.item;
import static org.ketabridge.mapping.rems.RemsFormGoldenTest.unfilled;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseStatus;
import org.junit.jupiter.api.Test;
import org.ketabridge.mapping.rems.RemsSession.Dose;
import org.ketabridge.mapping.rems.RemsSession.VitalSet;

/** The filler's rules at their edges: the 40-minute window, the dose that is neither 56 nor 84, what is not recorded. */
class RemsFormFillerTest {

    private static final OffsetDateTime FIRST_DEVICE = OffsetDateTime.parse("2026-10-05T09:00:00-06:00");

    @Test
    void theFortyMinuteReadingIsTheNearestWithinTenMinutesAndATieGoesToTheEarlier() {
        BloodPressureReadings readings = new BloodPressureReadings(List.of(at(29), at(50), at(51)));
        assertThat(readings.near40Minutes(FIRST_DEVICE)).map(VitalSet::at).contains(FIRST_DEVICE.plusMinutes(50));

        assertThat(new BloodPressureReadings(List.of(at(29), at(51))).near40Minutes(FIRST_DEVICE)).as("outside ±10 minutes").isEmpty();
        assertThat(new BloodPressureReadings(List.of(at(45), at(35))).near40Minutes(FIRST_DEVICE)).map(VitalSet::at)
                .contains(FIRST_DEVICE.plusMinutes(35));
    }

    @Test
    void theReadingBeforeTheEndIsNeverOneOfTheEarlierTwo() {
        BloodPressureReadings readings = new BloodPressureReadings(List.of(at(0), at(40), at(50), at(125), at(140)));
        assertThat(readings.beforeDose(FIRST_DEVICE)).map(VitalSet::at).contains(FIRST_DEVICE);
        assertThat(readings.beforeEnd(FIRST_DEVICE, FIRST_DEVICE.plusMinutes(130))).as("the last at or before the end")
                .map(VitalSet::at).contains(FIRST_DEVICE.plusMinutes(125));
        assertThat(readings.beforeEnd(FIRST_DEVICE, FIRST_DEVICE.plusMinutes(120))).as("50 minutes is the 40-minute window's")
                .isEmpty();
    }

    @Test
    void aDoseOfNeither56Nor84IsOtherWithItsAmount() {
        QuestionnaireResponse form = fill(session(List.of(new Dose(FIRST_DEVICE, BigDecimal.valueOf(28), "L1", "stopped")), 130));
        assertThat(answer(form, "dose")).isEqualTo("other");
        assertThat(answer(form, "dose-other-mg")).isEqualTo("28");

        QuestionnaireResponse usual = fill(session(List.of(new Dose(FIRST_DEVICE, BigDecimal.valueOf(56), "L1", "completed")), 130));
        assertThat(usual.getItem()).as("the other amount is asked only for other").noneMatch(i -> i.getLinkId().equals("dose-other-mg"));
    }

    @Test
    void aSessionWithoutADoseGivenOrALotSaysWhy() {
        QuestionnaireResponse notDone = fill(session(List.of(new Dose(FIRST_DEVICE, null, null, "not-done")), 130));
        assertThat(notDone.getStatus()).isEqualTo(QuestionnaireResponseStatus.INPROGRESS);
        assertThat(unfilled(notDone)).containsEntry("dose", "no-dose").containsEntry("lot", "no-dose")
                .containsEntry("monitoring-minutes", "no-dose").containsEntry("bp-before-dose", "no-dose");

        QuestionnaireResponse oneLotMissing = fill(session(List.of(new Dose(FIRST_DEVICE, BigDecimal.valueOf(28), "L1", "completed"),
                new Dose(FIRST_DEVICE.plusMinutes(5), BigDecimal.valueOf(28), null, "completed")), 130));
        assertThat(unfilled(oneLotMissing)).containsEntry("lot", "no-lot");
        assertThat(answer(oneLotMissing, "lot")).as("the lot that is known is kept").isEqualTo("L1");
        assertThat(oneLotMissing.getStatus()).isEqualTo(QuestionnaireResponseStatus.INPROGRESS);
    }

    @Test
    void aSessionNotYetEndedHasNoMonitoringTimeAndNoReadingBeforeTheEnd() {
        QuestionnaireResponse form = fill(session(List.of(new Dose(FIRST_DEVICE, BigDecimal.valueOf(56), "L1", "completed")), null));
        assertThat(unfilled(form)).containsEntry("monitoring-minutes", "no-end-of-monitoring")
                .containsEntry("bp-before-end", "no-end-of-monitoring");
        assertThat(item(form, "session-date").getAnswerFirstRep().getValue().primitiveValue()).isEqualTo("2026-10-05");
    }

    private static QuestionnaireResponse fill(RemsSession session) {
        return RemsFormGoldenTest.FILLER.fill(RemsFormGoldenTest.CLINIC, session);
    }

    /** A session with every other item filled: readings before, at 40 and at 125 minutes; none of either list. */
    private static RemsSession session(List<Dose> doses, Integer endAfterMinutes) {
        return new RemsSession("E-edge", "Patient/p1", "Encounter/e1", FIRST_DEVICE.minusMinutes(5),
                endAfterMinutes == null ? null : FIRST_DEVICE.plusMinutes(endAfterMinutes), doses,
                List.of(at(-2), at(40), at(125)), List.of(), 70, List.of());
    }

    private static VitalSet at(int minutesAfterFirstDevice) {
        return new VitalSet(FIRST_DEVICE.plusMinutes(minutesAfterFirstDevice), 130, 80);
    }
}
