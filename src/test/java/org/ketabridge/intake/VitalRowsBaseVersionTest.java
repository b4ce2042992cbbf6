package org.ketabridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.record.RecordKind;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.TestRecords;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Vital rows (CSV) merged into their encounter's latest version, while another channel stores a
 * newer version of that encounter: the merged encounter is not stored over it (which would undo
 * that change); merged again, it keeps the change and adds the vitals. Decided by what is stored,
 * not by timing: the other channel's version is stored between the merge and the store.
 */
class VitalRowsBaseVersionTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Autowired
    private VitalRows vitalRows;
    @Autowired
    private RecordIntake intake;
    @Autowired
    private ClinicRegistry clinics;

    @Test
    void vitalsMergedIntoAVersionAnotherChannelReplacedMeanwhileAreMergedAgainIntoTheNewOne() throws Exception {
        String p = TestRecords.prefix();
        String mrn = p + "-M";
        String encounterId = p + "-E";
        String encounter = stored(encounterId, mrn);
        List<InboundLine> rows = List.of(InboundLine.of(2, JSON.readTree("{\"encounterId\":\"" + encounterId
                + "\",\"patientMrn\":\"" + mrn + "\",\"at\":\"2026-10-05T10:00:00\",\"systolic\":120,\"diastolic\":80}")));
        VitalRows.Merged merged = vitalRows.merge(alpha(), rows, NOW);

        // Another channel's version of the encounter (another chair) is stored after the merge.
        assertThat(httpPost("/api/v1/clinics/alpha/encounters", "application/json", encounter.replace("Chair 2", "Chair 3"))
                .statusCode()).isEqualTo(202);
        assertThatThrownBy(() -> intake.acceptPart(alpha(), RecordKind.ENCOUNTER, "unused", merged.encounters(), merged.bases(), NOW))
                .isInstanceOf(BaseVersionMoved.class);
        assertThat(versions(encounterId)).isEqualTo(2);

        // The part read again merges into the newer version: its chair stays, the vitals are added.
        VitalRows.Merged again = vitalRows.merge(alpha(), rows, NOW);
        var content = again.encounters().get(0).json();
        assertThat(content.get("location").asText()).isEqualTo("Chair 3");
        assertThat(content.get("vitals")).hasSize(3);
        assertThat(again.bases().get(encounterId)).isNotEqualTo(merged.bases().get(encounterId));
    }

    /** The same for an encounters file without vitals, which keeps the vital sets stored with its encounters. */
    @Test
    void anEncounterKeepingItsStoredVitalsIsNotStoredOverVitalsAddedMeanwhile() throws Exception {
        String p = TestRecords.prefix();
        String mrn = p + "-M";
        String encounterId = p + "-E";
        String encounter = stored(encounterId, mrn);
        ObjectNode withoutVitals = (ObjectNode) JSON.readTree(encounter);
        withoutVitals.remove("vitals");
        VitalRows.WithVitals kept = vitalRows.withStoredVitals(alpha(), List.of(InboundLine.of(2, withoutVitals)));
        assertThat(kept.lines().get(0).json().get("vitals")).hasSize(2);

        // A third vital set is stored meanwhile (here over HTTP; a vitals file does the same).
        assertThat(httpPost("/api/v1/clinics/alpha/encounters", "application/json", encounter.replace("]}",
                ",{\"at\":\"2026-10-05T10:00:00\",\"systolic\":120,\"diastolic\":80}]}")).statusCode()).isEqualTo(202);
        assertThatThrownBy(() -> intake.acceptPart(alpha(), RecordKind.ENCOUNTER, "unused", kept.lines(), kept.bases(), NOW))
                .isInstanceOf(BaseVersionMoved.class);
        assertThat(versions(encounterId)).isEqualTo(2);
        assertThat(vitalRows.withStoredVitals(alpha(), List.of(InboundLine.of(2, withoutVitals))).lines().get(0).json().get("vitals"))
                .hasSize(3);
    }

    /** A patient and its encounter stored over HTTP (version 1, two vital sets): the encounter as sent. */
    private String stored(String encounterId, String mrn) {
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", TestRecords.patient(mrn)).statusCode()).isEqualTo(202);
        String encounter = TestRecords.encounter(encounterId, mrn);
        assertThat(httpPost("/api/v1/clinics/alpha/encounters", "application/json", encounter).statusCode()).isEqualTo(202);
        return encounter;
    }

    private Clinic alpha() {
        return clinics.find("alpha").orElseThrow();
    }

    private int versions(String encounterId) {
        return jdbc.sql("select count(*) from record_version where clinic_id = 'alpha' and kind = 'ENCOUNTER' and record_id = ?")
                .param(encounterId).query(Integer.class).single();
    }
}
