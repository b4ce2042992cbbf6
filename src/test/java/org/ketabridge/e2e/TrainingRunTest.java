package org.ketabridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.BridgeProcess;

/**
 * The training run the README's class-data-sharing commands rely on: with
 * {@code --bridge.training-run=true} the bridge starts as usual, waits until the FHIR validator,
 * the auditors' store and /fhir are ready, and exits by itself with status 0 (so the classes a
 * whole start loads are the ones recorded).
 */
class TrainingRunTest {

    @TempDir
    Path work;

    @Test
    void startsEverythingThenExitsByItself() throws Exception {
        Path clinics = work.resolve("clinics.yaml");
        Files.writeString(clinics, """
                bridge:
                  clinics:
                    - id: training
                      time-zone: America/Denver
                      ehr:
                        type: none
                """);
        Process bridge = BridgeProcess.start(work, BridgeProcess.freePort(), clinics, "--bridge.training-run=true");
        try {
            assertThat(bridge.waitFor(5, TimeUnit.MINUTES)).as("the training run ends by itself").isTrue();
            assertThat(bridge.exitValue()).isZero();
            String log = log();
            assertThat(log).contains("FHIR validator ready", "Auditors' FHIR store ready", "Initializing HAPI FHIR restful server",
                    "Training run: everything is ready; exiting");
            assertThat(log.indexOf("Training run: everything is ready"))
                    .isGreaterThan(log.indexOf("Auditors' FHIR store ready"))
                    .isGreaterThan(log.indexOf("FHIR validator ready"));
        } finally {
            bridge.destroyForcibly();
        }
    }

    private String log() throws Exception {
        try (Stream<Path> files = Files.list(work)) {
            Path log = files.filter(f -> f.getFileName().toString().startsWith("bridge-")).findFirst().orElseThrow();
            return Files.readString(log);
        }
    }
}
