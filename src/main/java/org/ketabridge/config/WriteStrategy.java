package org.ketabridge.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the bridge writes one resource type to a FHIR EHR (issue 13's design, section 3): chosen
 * per type from the EHR's CapabilityStatement ({@code ehr/fhir/WritePlan}), or named by the
 * operator in {@code bridge.clinics[n].ehr.resources.<ResourceType>}. It lives here, beside
 * {@link WriteMode}, because configuration names it and {@link ClinicRegistry} checks it (config
 * may not depend on ehr/, which depends on config).
 *
 * <p>Every strategy is written: {@link #NONE} by sending nothing ("not accepted by this EHR"),
 * {@link #MATCH} by finding the EHR's own patient, never writing one.
 */
public enum WriteStrategy {
    /** One transaction Bundle per record, every entry a conditional update (write-mode transaction). */
    TRANSACTION("transaction"),
    /** {@code PUT Type?identifier=system|value} per resource (write-mode per-resource). */
    CONDITIONAL_UPDATE("conditional-update"),
    /** {@code POST} with {@code If-None-Exist: identifier=system|value}; later versions by versioned update. */
    CONDITIONAL_CREATE("conditional-create"),
    /** Plain {@code POST}; later versions {@code PUT Type/id} with {@code If-Match}. */
    CREATE_UPDATE("create-update"),
    /** Plain {@code POST}; later versions {@code PATCH Type/id} (JSON Patch) with {@code If-Match}. */
    CREATE_PATCH("create-patch"),
    /** Plain {@code POST}; a later version is "a change not accepted by this EHR". */
    CREATE_ONLY("create-only"),
    /**
     * Patient only: the bridge finds the EHR's own patient by MRN
     * ({@code Patient?identifier=<ehr.patient-identifier-system>|<mrn>}) and never creates or changes one.
     */
    MATCH("match"),
    /** The EHR does not take this type: "not accepted by this EHR". */
    NONE("none");

    private final String configName;

    WriteStrategy(String configName) {
        this.configName = configName;
    }

    /** The name operators write and logs show: {@code conditional-update}, {@code none}, ... */
    public String configName() {
        return configName;
    }

    /** The strategy of a configured name, ignoring case and surrounding blanks. */
    public static Optional<WriteStrategy> fromConfigName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.configName.equals(n)).findFirst();
    }

    /** Every configured name, for messages: {@code transaction, conditional-update, ...}. */
    public static String configNames() {
        return Arrays.stream(values()).map(WriteStrategy::configName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return configName;
    }
}
