package org.ketabridge.config;

import java.util.ArrayList;
import java.util.List;

/** One entry of {@code bridge.clinics}, as the operator wrote it (checked by ClinicRegistry). */
public class ClinicProperties {

    private String id;
    private String name;
    private String timeZone;
    private String identifierSystemBase;
    private String mappingOverrides;
    private String hl7Facility;
    private Hl7SendersProperties hl7Senders = new Hl7SendersProperties();
    private String inbox;
    private EhrProperties ehr = new EhrProperties();
    private Alerts alerts = new Alerts();

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getTimeZone() { return timeZone; }
    public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
    public String getIdentifierSystemBase() { return identifierSystemBase; }
    public void setIdentifierSystemBase(String identifierSystemBase) { this.identifierSystemBase = identifierSystemBase; }
    /** A folder of ConceptMaps (same url as fhir-mapping/'s) whose entries replace the standard ones for this clinic. */
    public String getMappingOverrides() { return mappingOverrides; }
    public void setMappingOverrides(String mappingOverrides) { this.mappingOverrides = mappingOverrides; }
    /** The MSH-4 (sending facility) value that names this clinic on HL7 v2; unique across clinics. */
    public String getHl7Facility() { return hl7Facility; }
    public void setHl7Facility(String hl7Facility) { this.hl7Facility = hl7Facility; }
    /** Who may send HL7 v2 as this clinic's facility (config/Hl7Senders); nothing listed: anyone. */
    public Hl7SendersProperties getHl7Senders() { return hl7Senders; }
    public void setHl7Senders(Hl7SendersProperties hl7Senders) { this.hl7Senders = hl7Senders; }
    /** CSV drops (issue 15): the folder the clinic's exports are dropped in; created when missing. */
    public String getInbox() { return inbox; }
    public void setInbox(String inbox) { this.inbox = inbox; }
    public EhrProperties getEhr() { return ehr; }
    public void setEhr(EhrProperties ehr) { this.ehr = ehr; }
    /** Alerts (issue 17): where the clinic's webhook notifications go. */
    public Alerts getAlerts() { return alerts; }
    public void setAlerts(Alerts alerts) { this.alerts = alerts; }

    /** {@code bridge.clinics[n].hl7-senders}: source addresses (IP or CIDR) and TLS client certificate subjects. */
    public static class Hl7SendersProperties {
        private List<String> addresses = new ArrayList<>();
        private List<String> certificates = new ArrayList<>();

        public List<String> getAddresses() { return addresses; }
        public void setAddresses(List<String> addresses) { this.addresses = addresses; }
        public List<String> getCertificates() { return certificates; }
        public void setCertificates(List<String> certificates) { this.certificates = certificates; }
    }

    /** {@code bridge.clinics[n].alerts}: none set, no notification for the clinic. */
    public static class Alerts {
        /** The receiver of the clinic's alert notifications (an http or https URL, POSTed JSON); never logged. */
        private String webhookUrl;
        /**
         * The secret each notification is signed with (alerts/WebhookSignature), from an environment
         * variable or a file, as every secret of the clinics file; neither: not signed.
         */
        private String webhookSecretEnv;
        private String webhookSecretFile;

        public String getWebhookUrl() { return webhookUrl; }
        public void setWebhookUrl(String webhookUrl) { this.webhookUrl = webhookUrl; }
        public String getWebhookSecretEnv() { return webhookSecretEnv; }
        public void setWebhookSecretEnv(String webhookSecretEnv) { this.webhookSecretEnv = webhookSecretEnv; }
        public String getWebhookSecretFile() { return webhookSecretFile; }
        public void setWebhookSecretFile(String webhookSecretFile) { this.webhookSecretFile = webhookSecretFile; }
    }
}
