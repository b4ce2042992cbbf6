package org.ketabridge.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules shipped in src/main/resources/prometheus, checked and unit-tested by
 * Prometheus' own promtool (Debian's prometheus package; .ci/run installs it). Skipped only where
 * promtool is absent; MetricsTest checks the rules' metrics against a real scrape either way.
 */
class PrometheusRulesTest {

    private static final Path RULES_DIR = Path.of("src/main/resources/prometheus");

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "ketabridge-alerts.yml")).contains("SUCCESS");
    }

    @Test
    void eachAlertFiresWhenItShouldAndOnlyThen() throws Exception {
        assertThat(promtool("test", "rules", "ketabridge-alerts.test.yml")).contains("SUCCESS");
    }

    private static String promtool(String... args) throws Exception {
        assumeTrue(onPath("promtool"), "promtool is not installed (apt-get install prometheus)");
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).directory(RULES_DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator)).anyMatch(dir -> new File(dir, program).canExecute());
    }
}
