package org.ketabridge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything under {@code bridge.*}: the clinics, and how hard and how long the bridge tries
 * to reach their EHRs. Bound once at start-up; {@link ClinicRegistry} checks it.
 */
@ConfigurationProperties(prefix = "bridge")
public class BridgeProperties {

    private List<ClinicProperties> clinics = new ArrayList<>();
    private final Intake intake = new Intake();
    private final Sync sync = new Sync();
    private final Outcomes outcomes = new Outcomes();
    private final Security security = new Security();
    private final AuditorStore auditorStore = new AuditorStore();
    private final Hl7 hl7 = new Hl7();
    private final Alerts alerts = new Alerts();
    /** Signing keys for SMART Backend Services shared by every clinic without keys of its own (issue 13). */
    private List<EhrKeyProperties> ehrKeys = new ArrayList<>();

    public List<ClinicProperties> getClinics() { return clinics; }
    public void setClinics(List<ClinicProperties> clinics) { this.clinics = clinics; }
    public Intake getIntake() { return intake; }
    public Sync getSync() { return sync; }
    public Outcomes getOutcomes() { return outcomes; }
    public Security getSecurity() { return security; }
    public AuditorStore getAuditorStore() { return auditorStore; }
    public Hl7 getHl7() { return hl7; }
    public Alerts getAlerts() { return alerts; }
    public List<EhrKeyProperties> getEhrKeys() { return ehrKeys; }
    public void setEhrKeys(List<EhrKeyProperties> ehrKeys) { this.ehrKeys = ehrKeys; }

    /**
     * Where tokens are checked. With spring.security.oauth2.resourceserver.jwt.issuer-uri (or
     * jwk-set-uri) set, against that issuer; otherwise against a local key kept in this folder.
     */
    public static class Security {
        private Path localKeyDir = Path.of("./data/keys");

        public Path getLocalKeyDir() { return localKeyDir; }
        public void setLocalKeyDir(Path localKeyDir) { this.localKeyDir = localKeyDir; }
    }

    /**
     * The auditors' FHIR store served at /fhir (HAPI's JPA server on the bridge's database). How
     * often it is fed is in its route, routes/auditor-store.yaml.
     */
    public static class AuditorStore {
        private boolean enabled = true;
        private int batchSize = 50;
        /**
         * Records written in one HAPI transaction (issue 16): a commit and HAPI's per-transaction
         * work are shared by them. A transaction that fails is written again one record at a time.
         */
        private int recordsPerTransaction = 25;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public int getRecordsPerTransaction() { return recordsPerTransaction; }
        public void setRecordsPerTransaction(int recordsPerTransaction) { this.recordsPerTransaction = recordsPerTransaction; }
    }

    /** How scores become outcomes: response is a fall of at least {@code responseFraction} from baseline. */
    public static class Outcomes {
        private double responseFraction = 0.5;
        /**
         * The highest total still counted as remission, per instrument (the reference: PHQ-9 below
         * 5, GAD-7 below 5, MADRS at most 12; some studies use 10 for MADRS). Instruments not named
         * here have response but no remission.
         */
        private Map<String, Integer> remissionAtMost = new HashMap<>(
                Map.of("PHQ-9", 4, "GAD-7", 4, "MADRS", 12));

        public double getResponseFraction() { return responseFraction; }
        public void setResponseFraction(double responseFraction) { this.responseFraction = responseFraction; }
        public Map<String, Integer> getRemissionAtMost() { return remissionAtMost; }
        public void setRemissionAtMost(Map<String, Integer> remissionAtMost) { this.remissionAtMost = remissionAtMost; }
    }

    /**
     * The HL7 v2 listener (MLLP, routes/hl7-intake.yaml; issue 14). Off unless enabled: a bound
     * port would clash between the many bridges a test run starts. The route reads these values as
     * property placeholders; they are bound here so that they are documented and typed in one place (times in
     * milliseconds, as camel-mllp takes them).
     */
    public static class Hl7 {
        private boolean enabled = false;
        private String bindHost = "0.0.0.0";
        private int port = 2575;
        /** Largest message taken; a larger frame is dropped before more of it is buffered. */
        private int maxMessageBytes = 1024 * 1024;
        /** How long a connection may wait between messages before the bridge closes it. */
        private int idleTimeoutMillis = 60_000;
        /** How long a read may wait for the start of a frame (the idle timeout is checked at each). */
        private int receiveTimeoutMillis = 15_000;
        /** How long a read may wait once a frame has started: a frame cut in the middle ends the connection then. */
        private int readTimeoutMillis = 5_000;
        /** Connections open at once; one more is reset at once. */
        private int maxConnections = 10;
        /** MLLP over TLS: on when {@code key-store} is set (routes/hl7-intake.yaml, channel/hl7/Hl7ListenerTls). */
        private final Tls tls = new Tls();

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getBindHost() { return bindHost; }
        public void setBindHost(String bindHost) { this.bindHost = bindHost; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public int getMaxMessageBytes() { return maxMessageBytes; }
        public void setMaxMessageBytes(int maxMessageBytes) { this.maxMessageBytes = maxMessageBytes; }
        public int getIdleTimeoutMillis() { return idleTimeoutMillis; }
        public void setIdleTimeoutMillis(int idleTimeoutMillis) { this.idleTimeoutMillis = idleTimeoutMillis; }
        public int getReceiveTimeoutMillis() { return receiveTimeoutMillis; }
        public void setReceiveTimeoutMillis(int receiveTimeoutMillis) { this.receiveTimeoutMillis = receiveTimeoutMillis; }
        public int getReadTimeoutMillis() { return readTimeoutMillis; }
        public void setReadTimeoutMillis(int readTimeoutMillis) { this.readTimeoutMillis = readTimeoutMillis; }
        public int getMaxConnections() { return maxConnections; }
        public void setMaxConnections(int maxConnections) { this.maxConnections = maxConnections; }
        public Tls getTls() { return tls; }

        /**
         * The listener's TLS. Its key store (the bridge's private key and certificate chain) and
         * the password that opens it (also the key's password), named by environment variable
         * or file, never in clear. {@code client-auth}: {@code none} (default), {@code want} or
         * {@code require} a client certificate, checked against {@code trust-store} (the JVM's
         * trust store when none is named).
         */
        public static class Tls {
            private String keyStore;
            private String keyStoreType = "PKCS12";
            private String keyStorePasswordEnv;
            private String keyStorePasswordFile;
            private String clientAuth = "none";
            private String trustStore;
            private String trustStoreType = "PKCS12";
            private String trustStorePasswordEnv;
            private String trustStorePasswordFile;

            public boolean isConfigured() { return keyStore != null && !keyStore.isBlank(); }
            public String getKeyStore() { return keyStore; }
            public void setKeyStore(String keyStore) { this.keyStore = keyStore; }
            public String getKeyStoreType() { return keyStoreType; }
            public void setKeyStoreType(String keyStoreType) { this.keyStoreType = keyStoreType; }
            public String getKeyStorePasswordEnv() { return keyStorePasswordEnv; }
            public void setKeyStorePasswordEnv(String keyStorePasswordEnv) { this.keyStorePasswordEnv = keyStorePasswordEnv; }
            public String getKeyStorePasswordFile() { return keyStorePasswordFile; }
            public void setKeyStorePasswordFile(String keyStorePasswordFile) { this.keyStorePasswordFile = keyStorePasswordFile; }
            public String getClientAuth() { return clientAuth; }
            public void setClientAuth(String clientAuth) { this.clientAuth = clientAuth; }
            public String getTrustStore() { return trustStore; }
            public void setTrustStore(String trustStore) { this.trustStore = trustStore; }
            public String getTrustStoreType() { return trustStoreType; }
            public void setTrustStoreType(String trustStoreType) { this.trustStoreType = trustStoreType; }
            public String getTrustStorePasswordEnv() { return trustStorePasswordEnv; }
            public void setTrustStorePasswordEnv(String trustStorePasswordEnv) { this.trustStorePasswordEnv = trustStorePasswordEnv; }
            public String getTrustStorePasswordFile() { return trustStorePasswordFile; }
            public void setTrustStorePasswordFile(String trustStorePasswordFile) { this.trustStorePasswordFile = trustStorePasswordFile; }
        }
    }

    public static class Intake {
        /** Largest request body the HTTP channel takes; larger ones get 413. */
        private long maxBodyBytes = 16L * 1024 * 1024;

        public long getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(long maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
    }

    public static class Sync {
        /** How often each clinic's sync route looks for due work. */
        private Duration pollInterval = Duration.ofMillis(250);
        /** Most tasks one poll takes; the route polls again at once while there is more. */
        private int batchSize = 50;
        /** Attempts (a 429 does not count) before a record is dead-lettered. */
        private int maxAttempts = 8;
        /** First retry delay; each further one doubles, with full jitter, up to maxBackoff. */
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(5);
        /** Longest Retry-After the bridge honours as given; longer ones are capped to this. */
        private Duration maxRetryAfter = Duration.ofMinutes(30);
        /** How long an open circuit breaker keeps a clinic's EHR untouched. */
        private Duration circuitOpenFor = Duration.ofSeconds(30);

        // One writer per task (issue 13): see sync/TaskClaims.
        /**
         * How long a sync task stays claimed by the bridge process that took it, unless renewed.
         * The holder renews it every quarter of this while the task is in its hands, so the
         * length does not bound how long a task may wait or its writes take (requests per record
         * × ehr.request-timeout, plus pacing and the clinic's queue); it bounds how long the tasks
         * of a process that died stay blocked before its restart (or another process) takes them
         * over. Long enough to outlast three missed renewals (a database fail-over, a long pause),
         * short enough that a restart after a crash resumes within a minute.
         */
        private Duration claimLease = Duration.ofMinutes(1);

        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
        public Duration getInitialBackoff() { return initialBackoff; }
        public void setInitialBackoff(Duration initialBackoff) { this.initialBackoff = initialBackoff; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
        public Duration getMaxRetryAfter() { return maxRetryAfter; }
        public void setMaxRetryAfter(Duration maxRetryAfter) { this.maxRetryAfter = maxRetryAfter; }
        public Duration getCircuitOpenFor() { return circuitOpenFor; }
        public void setCircuitOpenFor(Duration circuitOpenFor) { this.circuitOpenFor = circuitOpenFor; }
        public Duration getClaimLease() { return claimLease; }
        public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }
    }

    /**
     * Alerts (issue 17): when a clinic's webhook (its {@code alerts.webhook-url}) is told of an event,
     * the same events as the Prometheus rules (src/main/resources/prometheus/ketabridge-alerts.yml),
     * with the same thresholds by default.
     */
    public static class Alerts {
        /** How often routes/alerts.yaml evaluates and sends (the route reads it as a property placeholder). */
        private Duration evaluateEvery = Duration.ofSeconds(30);
        /** The bridge as clinic IT reaches it (https://bridge.example.org): the notifications' links start with it; unset, they are paths. */
        private String linksBaseUrl;
        /** Dead letters growing: a record dead-lettered within this long. */
        private Duration deadLettersWithin = Duration.ofMinutes(15);
        /** The oldest pending record has waited longer than this for its EHR. */
        private Duration oldestPendingOver = Duration.ofHours(1);
        /** The EHR's circuit breaker has not been closed for this long. */
        private Duration circuitOpenFor = Duration.ofMinutes(15);
        /** The EHR has refused the bridge's credentials (or no token could be had) for this long. */
        private Duration credentialsFailingFor = Duration.ofMinutes(5);
        /** The oldest record version the auditors' store does not hold has waited longer than this. */
        private Duration storeLaggingOver = Duration.ofMinutes(15);
        /** Intake refusing most: of the records received within this long ... */
        private Duration intakeWithin = Duration.ofMinutes(30);
        /** ... more than this share was refused ... */
        private double intakeRefusedShare = 0.5;
        /** ... and they were at least this many (one bad file of two rows does not alert). */
        private int intakeAtLeast = 20;
        /** First wait after the receiver failed (not 2xx, or no answer); each further one doubles, up to maxBackoff. */
        private Duration initialBackoff = Duration.ofSeconds(10);
        private Duration maxBackoff = Duration.ofMinutes(10);
        /** How long a notification being sent is this process's: another process (or this one, restarted) sends it after that. */
        private Duration sendingLease = Duration.ofMinutes(2);

        public Duration getEvaluateEvery() { return evaluateEvery; }
        public void setEvaluateEvery(Duration evaluateEvery) { this.evaluateEvery = evaluateEvery; }
        public String getLinksBaseUrl() { return linksBaseUrl; }
        public void setLinksBaseUrl(String linksBaseUrl) { this.linksBaseUrl = linksBaseUrl; }
        public Duration getDeadLettersWithin() { return deadLettersWithin; }
        public void setDeadLettersWithin(Duration deadLettersWithin) { this.deadLettersWithin = deadLettersWithin; }
        public Duration getOldestPendingOver() { return oldestPendingOver; }
        public void setOldestPendingOver(Duration oldestPendingOver) { this.oldestPendingOver = oldestPendingOver; }
        public Duration getCircuitOpenFor() { return circuitOpenFor; }
        public void setCircuitOpenFor(Duration circuitOpenFor) { this.circuitOpenFor = circuitOpenFor; }
        public Duration getCredentialsFailingFor() { return credentialsFailingFor; }
        public void setCredentialsFailingFor(Duration credentialsFailingFor) { this.credentialsFailingFor = credentialsFailingFor; }
        public Duration getStoreLaggingOver() { return storeLaggingOver; }
        public void setStoreLaggingOver(Duration storeLaggingOver) { this.storeLaggingOver = storeLaggingOver; }
        public Duration getIntakeWithin() { return intakeWithin; }
        public void setIntakeWithin(Duration intakeWithin) { this.intakeWithin = intakeWithin; }
        public double getIntakeRefusedShare() { return intakeRefusedShare; }
        public void setIntakeRefusedShare(double intakeRefusedShare) { this.intakeRefusedShare = intakeRefusedShare; }
        public int getIntakeAtLeast() { return intakeAtLeast; }
        public void setIntakeAtLeast(int intakeAtLeast) { this.intakeAtLeast = intakeAtLeast; }
        public Duration getInitialBackoff() { return initialBackoff; }
        public void setInitialBackoff(Duration initialBackoff) { this.initialBackoff = initialBackoff; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
        public Duration getSendingLease() { return sendingLease; }
        public void setSendingLease(Duration sendingLease) { this.sendingLease = sendingLease; }
    }
}
