package org.ketabridge.support;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Clinics for a test that runs without the bridge: configured as an operator configures them
 * ({@code bridge.*} properties, bound the way Spring binds application.yaml) and checked by
 * {@link ClinicRegistry}, so a test never holds a clinic the bridge would refuse to start with.
 */
public final class TestClinics {

    private TestClinics() {
    }

    /** Clinics without an EHR ({@code ehr.type: none}), all in one time zone, in the order given. */
    public static ClinicRegistry registry(String timeZone, String... clinicIds) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < clinicIds.length; i++) {
            properties.put("bridge.clinics[" + i + "].id", clinicIds[i]);
            properties.put("bridge.clinics[" + i + "].time-zone", timeZone);
            properties.put("bridge.clinics[" + i + "].ehr.type", "none");
        }
        return registry(properties);
    }

    /** One clinic without an EHR. */
    public static Clinic clinic(String clinicId, String timeZone) {
        return registry(timeZone, clinicId).find(clinicId).orElseThrow();
    }

    /** No clinic at all (the bridge's default configuration). */
    public static ClinicRegistry none() {
        return registry(Map.of());
    }

    /**
     * The properties of one clinic {@code north} (America/Denver) whose EHR is the FHIR server at
     * {@code baseUrl}, written as {@code writeMode} says; a mutable map, for a test to add to.
     */
    public static Map<String, String> fhirClinic(String baseUrl, String writeMode) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bridge.clinics[0].id", "north");
        p.put("bridge.clinics[0].time-zone", "America/Denver");
        p.put("bridge.clinics[0].ehr.type", "fhir");
        p.put("bridge.clinics[0].ehr.base-url", baseUrl);
        p.put("bridge.clinics[0].ehr.write-mode", writeMode);
        return p;
    }

    /** The clinics of these {@code bridge.*} properties (e.g. {@code bridge.clinics[0].id}). */
    public static ClinicRegistry registry(Map<String, String> properties) {
        return new ClinicRegistry(properties(properties));
    }

    /** {@code bridge.*} properties bound as Spring binds them. */
    public static BridgeProperties properties(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("bridge", BridgeProperties.class);
    }
}
