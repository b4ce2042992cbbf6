package org.ketabridge.config;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;

/** A clinic as the bridge uses it: checked, typed, immutable. */
public record Clinic(
        String id,
        String name,
        ZoneId zone,
        String identifierSystemBase,
        Path mappingOverrides,
        EhrConnection ehr,
        // HL7 v2 (issue 14): the MSH-4 value naming this clinic, if it sends or receives HL7 v2.
        Optional<String> hl7Facility,
        // HL7 v2 in: the connections that may send as that facility (Hl7Senders.ANYONE: any).
        Hl7Senders hl7Senders,
        // CSV drops (issue 15): the folder its CSV files are dropped in, if it sends CSV.
        Optional<Path> inbox,
        // Alerts (issue 17): where its alert notifications are POSTed (and the secret they are signed with), if anywhere.
        Optional<AlertWebhook> alertWebhook) {

    /** The identifier system of one kind of record, e.g. {@code urn:ketabridge:demo/mrn}. */
    public String identifierSystem(String suffix) {
        return identifierSystemBase + "/" + suffix;
    }

    public boolean syncsToEhr() {
        return ehr.type() != EhrType.NONE;
    }
}
