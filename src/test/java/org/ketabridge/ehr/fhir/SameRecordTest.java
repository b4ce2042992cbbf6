package org.ketabridge.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.ehr.fhir.SameRecord.Verdict;

/**
 * The rule by which a resource found in the EHR without the bridge's identifier is, or is not, the
 * record whose create was lost: adopted only when nothing the bridge sent says otherwise, another
 * record when the facts the search was by differ, and "cannot tell" in between.
 */
class SameRecordTest {

    private static final String SYSTEM = "urn:ketabridge:north/vital";

    private static Observation heartRate(String taken, double value) {
        Observation o = new Observation();
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
        o.setSubject(new Reference("Patient/p1"));
        o.setEffective(new DateTimeType(taken));
        o.setValue(new Quantity().setValue(value).setUnit("/min").setSystem("http://unitsofmeasure.org").setCode("/min"));
        return o;
    }

    @Test
    void theSameFactsAreTheSameRecordAndAnyOfTheSearchedOnesDifferingIsAnother() {
        Observation sent = heartRate("2026-10-05T09:10:00-06:00", 72);
        sent.addIdentifier().setSystem(SYSTEM).setValue("V-1");

        assertThat(SameRecord.judge(sent, heartRate("2026-10-05T15:10:00.400Z", 72.0), SYSTEM, "V-1"))
                .as("the same instant to the second, written in UTC; 72.0 is 72").isEqualTo(Verdict.SAME);
        assertThat(SameRecord.judge(sent, heartRate("2026-10-05T09:10:01-06:00", 72), SYSTEM, "V-1")).isEqualTo(Verdict.OTHER);
        Observation otherPatient = heartRate("2026-10-05T09:10:00-06:00", 72).setSubject(new Reference("Patient/p2"));
        assertThat(SameRecord.judge(sent, otherPatient, SYSTEM, "V-1")).isEqualTo(Verdict.OTHER);
        Observation otherRecordOfOurs = heartRate("2026-10-05T09:10:00-06:00", 72);
        otherRecordOfOurs.addIdentifier().setSystem(SYSTEM).setValue("V-2");
        assertThat(SameRecord.judge(sent, otherRecordOfOurs, SYSTEM, "V-1")).isEqualTo(Verdict.OTHER);
        Observation ours = heartRate("2026-10-05T09:10:00-06:00", 99);
        ours.addIdentifier().setSystem(SYSTEM).setValue("V-1");
        assertThat(SameRecord.judge(sent, ours, SYSTEM, "V-1")).as("our identifier says so, whatever the value").isEqualTo(Verdict.SAME);
    }

    @Test
    void whatTheBridgeCannotConfirmIsCannotTell() {
        Observation sent = heartRate("2026-10-05T09:10:00-06:00", 72);

        assertThat(SameRecord.judge(sent, heartRate("2026-10-05T09:10:00-06:00", 75), SYSTEM, "V-1"))
                .as("another value: edited in the EHR, or another reading").isEqualTo(Verdict.UNSURE);
        Observation noValue = heartRate("2026-10-05T09:10:00-06:00", 72).setValue(null);
        assertThat(SameRecord.judge(sent, noValue, SYSTEM, "V-1")).isEqualTo(Verdict.UNSURE);
        Observation noSubject = heartRate("2026-10-05T09:10:00-06:00", 72).setSubject(null);
        assertThat(SameRecord.judge(sent, noSubject, SYSTEM, "V-1")).isEqualTo(Verdict.UNSURE);
    }

    @Test
    void anEncounterIsSearchedByPatientAndAPeriodContainingItsStartAndOnlyWhatIsDeclared() {
        Encounter e = new Encounter().setSubject(new Reference("Patient/p1"));
        e.getPeriod().setStartElement(new DateTimeType("2026-10-05T09:00:00-06:00"));
        WritePlan.TypePlan oracle = new WritePlan.TypePlan(WriteStrategy.CREATE_PATCH, WritePlan.Source.STATEMENT, true,
                Set.of("patient", "date"));

        assertThat(SameRecord.searchFor(e, oracle)).contains("Encounter?patient=Patient%2Fp1"
                + "&date=ge2026-10-05T09%3A00%3A00-06%3A00&date=le2026-10-05T09%3A00%3A00-06%3A00");
        assertThat(SameRecord.searchFor(e, new WritePlan.TypePlan(WriteStrategy.CREATE_PATCH, WritePlan.Source.STATEMENT, true,
                Set.of("patient")))).as("no date search declared").isEmpty();
        assertThat(SameRecord.searchFor(e.setSubject(new Reference("urn:uuid:p")), oracle)).as("no EHR patient id").isEmpty();
    }
}
