package org.ketabridge.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bridge.clinics[n].ehr}: where a clinic's records go. Secrets are never written here in
 * clear: the operator names an environment variable ({@code *-env}) or a file ({@code *-file}).
 */
public class EhrProperties {

    private String type;
    private String baseUrl;
    private String host;
    private Integer port;
    private boolean tls;
    private String receivingApplication;
    private String receivingFacility;
    private String auth = "none";
    private String username;
    private String passwordEnv;
    private String passwordFile;
    private String tokenEnv;
    private String tokenFile;
    private String writeMode = "transaction";
    private int maxInFlight = 1;
    private Double ratePerSecond;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);

    // Tokens (issue 13): auth smart-backend (signed client assertion) or client-secret.
    private String clientId;
    private String tokenUrl;
    private List<String> scopes = new ArrayList<>();
    private String clientSecretEnv;
    private String clientSecretFile;
    private String clientAuth = "basic";
    private List<EhrKeyProperties> keys = new ArrayList<>();
    private Duration tokenRenewBefore = Duration.ofSeconds(60);

    // The EHR's patient (issue 13, match): ehr.resources.Patient: match finds the EHR's own Patient by MRN.
    private String patientIdentifierSystem;
    private Duration patientRecheck = EhrConnection.DEFAULT_PATIENT_RECHECK;

    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public Integer getPort() { return port; }
    public void setPort(Integer port) { this.port = port; }
    /** For hl7v2: MLLP over TLS (the JVM's trust store decides whom to trust). */
    public boolean isTls() { return tls; }
    public void setTls(boolean tls) { this.tls = tls; }
    /** For hl7v2: MSH-5 of the messages sent (optional). */
    public String getReceivingApplication() { return receivingApplication; }
    public void setReceivingApplication(String receivingApplication) { this.receivingApplication = receivingApplication; }
    /** For hl7v2: MSH-6 of the messages sent (optional). */
    public String getReceivingFacility() { return receivingFacility; }
    public void setReceivingFacility(String receivingFacility) { this.receivingFacility = receivingFacility; }
    public String getAuth() { return auth; }
    public void setAuth(String auth) { this.auth = auth; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPasswordEnv() { return passwordEnv; }
    public void setPasswordEnv(String passwordEnv) { this.passwordEnv = passwordEnv; }
    public String getPasswordFile() { return passwordFile; }
    public void setPasswordFile(String passwordFile) { this.passwordFile = passwordFile; }
    public String getTokenEnv() { return tokenEnv; }
    public void setTokenEnv(String tokenEnv) { this.tokenEnv = tokenEnv; }
    public String getTokenFile() { return tokenFile; }
    public void setTokenFile(String tokenFile) { this.tokenFile = tokenFile; }
    public String getWriteMode() { return writeMode; }
    public void setWriteMode(String writeMode) { this.writeMode = writeMode; }
    public int getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(int maxInFlight) { this.maxInFlight = maxInFlight; }
    public Double getRatePerSecond() { return ratePerSecond; }
    public void setRatePerSecond(Double ratePerSecond) { this.ratePerSecond = ratePerSecond; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }

    // Issue 13 (write plan): ehr.resources.<ResourceType>: <strategy>, overriding what the EHR's
    // CapabilityStatement says for that type (e.g. MedicationAdministration: none).
    private Map<String, String> resources = new LinkedHashMap<>();

    public Map<String, String> getResources() { return resources; }
    public void setResources(Map<String, String> resources) { this.resources = resources; }
    // Tokens (issue 13).
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    /** The token endpoint; when not given, the EHR's {@code [base]/.well-known/smart-configuration} names it. */
    public String getTokenUrl() { return tokenUrl; }
    public void setTokenUrl(String tokenUrl) { this.tokenUrl = tokenUrl; }
    /** The scopes asked for, e.g. {@code system/Patient.read system/Observation.write} (a list, or one space-separated value). */
    public List<String> getScopes() { return scopes; }
    public void setScopes(List<String> scopes) { this.scopes = scopes; }
    public String getClientSecretEnv() { return clientSecretEnv; }
    public void setClientSecretEnv(String clientSecretEnv) { this.clientSecretEnv = clientSecretEnv; }
    public String getClientSecretFile() { return clientSecretFile; }
    public void setClientSecretFile(String clientSecretFile) { this.clientSecretFile = clientSecretFile; }
    /** For client-secret: {@code basic} (client_secret_basic) or {@code post} (client_secret_post). */
    public String getClientAuth() { return clientAuth; }
    public void setClientAuth(String clientAuth) { this.clientAuth = clientAuth; }
    /** This clinic's own signing keys; without them the shared {@code bridge.ehr-keys} are used. */
    public List<EhrKeyProperties> getKeys() { return keys; }
    public void setKeys(List<EhrKeyProperties> keys) { this.keys = keys; }
    /** An access token is renewed when it expires within this (as well as after a 401). */
    public Duration getTokenRenewBefore() { return tokenRenewBefore; }
    public void setTokenRenewBefore(Duration tokenRenewBefore) { this.tokenRenewBefore = tokenRenewBefore; }
    /**
     * The identifier system (a URI) under which the EHR knows the clinic's MRNs, e.g.
     * {@code urn:oid:2.16.840.1.113883.3.1234}: what {@code Patient?identifier=<system>|<mrn>} searches
     * when patients are matched ({@code ehr.resources.Patient: match}, or an EHR without conditional
     * update of Patient). Required with a configured match.
     */
    public String getPatientIdentifierSystem() { return patientIdentifierSystem; }
    public void setPatientIdentifierSystem(String patientIdentifierSystem) { this.patientIdentifierSystem = patientIdentifierSystem; }
    /** How long a patient record whose patient the EHR does not hold yet waits before it is looked for again. */
    public Duration getPatientRecheck() { return patientRecheck; }
    public void setPatientRecheck(Duration patientRecheck) { this.patientRecheck = patientRecheck; }
}
