package org.ketabridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load harness, small (one clinic, two patients of six infusions each: 38 records), as a smoke test: it runs end
 * to end and every record arrives exactly once. Correctness only: its speed figures are
 * printed by the harness, never asserted here.
 */
class LoadHarnessSmokeTest {

    @Test
    void aSmallRunDeliversEveryRecordExactlyOnce(@TempDir Path work) throws Exception {
        LoadHarness.Report report = new LoadHarness().run(new LoadHarness.Options("instant", 1, 2, 2, 50, 0, work));
        assertThat(report.records()).isEqualTo(38);
        assertThat(report.heldPerSystem()).containsEntry("mrn", 2).containsEntry("encounter", 12)
                .containsEntry("dose", 12).containsEntry("score", 12).containsEntry("series", 2).containsEntry("clinic", 1);
        assertThat(report.exactlyOnce()).isTrue();
    }
}
