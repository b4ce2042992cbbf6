package org.ketabridge.mapping.v2;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.ketabridge.mapping.Identity;
import org.ketabridge.mapping.MappedResource;

/**
 * An encounter's own Observations (contract 1.1) as OBX segments of its ORU^R01, after the vital
 * signs, each coded as its mapped Observation is (KetaBridge's codes, {@code L}), OBX-14 the session's
 * start: {@code ready-to-leave} one NM OBX in minutes; {@code concomitant-medications} and
 * {@code adverse-events} one CWE OBX per listed value (OBX-4 its number), an empty list one OBX
 * {@code none}. A field not recorded has no OBX, as it has no Observation.
 */
final class SessionObservationSegments {

    /** In message order: the same order as the mapper writes them. */
    private static final List<String> ITEMS = List.of("ready-to-leave", "concomitant-medications", "adverse-events");

    private SessionObservationSegments() {
    }

    /** Adds the OBX segments after {@code obx} segments already written; returns the new count. */
    static int add(V2Fields f, V2Input in, String encounterId, IntFunction<String> obxPath, int obx, String status, String time) {
        Map<String, Observation> byIdentifier = in.mapped().resources().stream()
                .filter(m -> in.clinic().identifierSystem("session-observation").equals(m.identifierSystem()))
                .collect(Collectors.toMap(MappedResource::identifierValue, m -> (Observation) m.resource(), (a, b) -> a));
        for (String item : ITEMS) {
            Observation o = byIdentifier.get(Identity.sessionObservation(in.clinic(), encounterId, item).getValue());
            if (o == null) {
                continue;
            }
            V2Codes.Code code = V2Codes.localOf(o.getCode());
            if (o.hasValueQuantity()) {
                f.observation(obxPath.apply(obx), ++obx, "NM", code, "1", o.getValueQuantity().getValue().toPlainString(),
                        V2Codes.unit(o.getValueQuantity()), status, time);
            } else if (o.hasValueCodeableConcept()) {
                coded(f, obxPath.apply(obx), ++obx, code, 1, o.getValueCodeableConcept(), status, time);
            } else {
                int subId = 0;
                for (Observation.ObservationComponentComponent c : o.getComponent()) {
                    coded(f, obxPath.apply(obx), ++obx, code, ++subId, c.getValueCodeableConcept(), status, time);
                }
            }
        }
        return obx;
    }

    /** One CWE OBX whose OBX-5 is a code of KetaBridge's vocabulary. */
    private static void coded(V2Fields f, String path, int setId, V2Codes.Code code, int subId, CodeableConcept value,
                              String status, String time) {
        f.observation(path, setId, "CWE", code, String.valueOf(subId), null, null, status, time)
                .coded(path + "-5", V2Codes.localOf(value));
    }
}
