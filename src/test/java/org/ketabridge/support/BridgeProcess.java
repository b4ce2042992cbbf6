package org.ketabridge.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge as its own operating-system process, as an operator runs it: the test classpath,
 * the project root as working directory (for routes/), a clinics file, an H2 file database of
 * its own. For tests and harnesses that must kill it or measure it from outside.
 */
public final class BridgeProcess {

    private BridgeProcess() {
    }

    /** Starts the bridge on {@code port}, its output in {@code work/bridge-*.log}. */
    public static Process start(Path work, int port, Path clinics, String... extraArgs) throws IOException {
        return start(work, port, clinics, List.of(), extraArgs);
    }

    /** {@link #start(Path, int, Path, String...)} with options for its JVM ({@code -Dname=value}: system properties). */
    public static Process start(Path work, int port, Path clinics, List<String> jvmOptions, String... extraArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
        command.addAll(jvmOptions);
        // -Dbridge.jvm-options="-XX:StartFlightRecording=filename=/tmp/b.jfr" profiles the bridge of a harness run.
        String harnessOptions = System.getProperty("bridge.jvm-options", "");
        if (!harnessOptions.isBlank()) {
            command.addAll(List.of(harnessOptions.trim().split("\\s+")));
        }
        // -Dbridge.class-path=build/ketabridge-0.1.0-SNAPSHOT.jar starts the packaged bridge (unpacked as the README says) instead.
        command.addAll(List.of("-cp", System.getProperty("bridge.class-path", System.getProperty("java.class.path")),
                "org.ketabridge.KetaBridgeApplication",
                "--server.port=" + port,
                "--spring.config.additional-location=" + clinics,
                "--spring.datasource.url=jdbc:h2:file:" + work.resolve("bridge") + ";WRITE_DELAY=0",
                // The key its tokens are checked against: TestTokens signs with it.
                "--bridge.security.local-key-dir=" + TestTokens.KEY_DIR.toAbsolutePath()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(new File(System.getProperty("user.dir")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(work.resolve("bridge-" + System.nanoTime() + ".log").toFile());
        return pb.start();
    }

    /** A TCP port free at the moment (for a listener a test starts next). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
