package org.ketabridge.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A secret the operator names, never writes in clear: an environment variable ({@code *-env}) or
 * a file ({@code *-file}, its text without the line end). The EHRs' credentials and the HL7
 * listener's key store password are read this way.
 */
public final class Secrets {

    private final Function<String, String> environment;

    public Secrets(Function<String, String> environment) {
        this.environment = environment;
    }

    /**
     * The secret, or null after telling {@code problem} (property, reason) why not: the variable
     * is not set, the file cannot be read, or neither is named. Never says the secret itself.
     */
    public String read(String envName, String file, String envProperty, String fileProperty, BiConsumer<String, String> problem) {
        if (envName != null && !envName.isBlank()) {
            String value = environment.apply(envName);
            if (value == null || value.isEmpty()) {
                problem.accept(envProperty, "environment variable '" + envName + "' is not set");
                return null;
            }
            return value;
        }
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException ex) {
                problem.accept(fileProperty, "cannot read secret file '" + file + "'");
                return null;
            }
        }
        problem.accept(envProperty, "required (or " + fileProperty + "): the secret's environment variable or file");
        return null;
    }
}
