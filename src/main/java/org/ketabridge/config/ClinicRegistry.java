package org.ketabridge.config;

import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import javax.security.auth.x500.X500Principal;
import org.ketabridge.record.RecordIds;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The configured clinics, checked once at start-up. A mistake stops start-up with every problem
 * listed, each naming the clinic and the property, so the operator fixes them in one pass.
 */
@Component
public class ClinicRegistry {

    private final Map<String, Clinic> clinicsById;
    private final List<JWK> ehrKeys;

    @Autowired
    public ClinicRegistry(BridgeProperties properties) {
        this(properties, System::getenv);
    }

    ClinicRegistry(BridgeProperties properties, Function<String, String> environment) {
        List<String> problems = new ArrayList<>();
        Map<String, Clinic> clinics = new LinkedHashMap<>();
        // Signing keys for EHR tokens (issue 13): the shared ones first, each clinic's own with its clinic.
        EhrKeyRing keyRing = new EhrKeyRing();
        EhrAuthCheck.SharedKeys sharedKeys = new EhrAuthCheck.SharedKeys(!properties.getEhrKeys().isEmpty(),
                properties.getEhrKeys().isEmpty() ? null
                        : keyRing.load(properties.getEhrKeys(), "bridge.ehr-keys", "", (p, r) -> problems.add(p + ": " + r)));
        List<ClinicProperties> configured = properties.getClinics();
        for (int i = 0; i < configured.size(); i++) {
            ClinicProperties clinic = configured.get(i);
            ProblemList clinicProblems = new ProblemList(i, clinic.getId());
            Clinic checked = new ClinicChecker(clinic, clinicProblems, environment, keyRing, sharedKeys).check();
            if (checked != null && clinics.containsKey(checked.id())) {
                clinicProblems.add("id", "duplicate clinic id '" + checked.id() + "' (also used by an earlier clinic)");
            } else if (checked != null && checked.hl7Facility().isPresent() && clinics.values().stream()
                    .anyMatch(c -> c.hl7Facility().equals(checked.hl7Facility()))) {
                clinicProblems.add("hl7-facility", "'" + checked.hl7Facility().get() + "' also names an earlier clinic;"
                        + " MSH-4 must name one clinic");
            } else if (checked != null && sharedInbox(checked, clinics.values()).isPresent()) {
                Clinic other = sharedInbox(checked, clinics.values()).get();
                clinicProblems.add("inbox", "'" + checked.inbox().get() + "' " + (checked.inbox().equals(other.inbox())
                        ? "is also" : "is inside, or holds,") + " the inbox of clinic '" + other.id() + "' ('"
                        + other.inbox().get() + "'); each clinic needs a folder of its own (a file would be read"
                        + " as the wrong clinic's records)");
            } else if (checked != null && clinicProblems.isEmpty()) {
                clinics.put(checked.id(), checked);
            }
            problems.addAll(clinicProblems.all());
        }
        if (!problems.isEmpty()) {
            throw new InvalidClinicConfigurationException(problems);
        }
        this.clinicsById = Map.copyOf(clinics);
        this.ehrKeys = keyRing.all();
    }

    /**
     * Every key configured for EHR tokens (issue 13), shared and per clinic, once per kid, private
     * parts included: what the bridge's JWK Set publishes (public parts only).
     */
    /** An earlier clinic whose CSV inbox is this clinic's, or holds it, or lies inside it (folders as they really are). */
    private static Optional<Clinic> sharedInbox(Clinic clinic, Collection<Clinic> earlier) {
        if (clinic.inbox().isEmpty()) {
            return Optional.empty();
        }
        Path inbox = realPath(clinic.inbox().get());
        return earlier.stream().filter(c -> c.inbox().isPresent()).filter(c -> {
            Path other = realPath(c.inbox().get());
            return inbox.startsWith(other) || other.startsWith(inbox);
        }).findFirst();
    }

    /** A symbolic link and its target are one folder. */
    private static Path realPath(Path folder) {
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            return folder;
        }
    }

    public List<JWK> ehrKeys() {
        return ehrKeys;
    }

    public Optional<Clinic> find(String clinicId) {
        return Optional.ofNullable(clinicId).map(clinicsById::get);
    }

    public Collection<Clinic> all() {
        return clinicsById.values();
    }

    /** Collects one clinic's problems, each prefixed with where it is: {@code bridge.clinics[2] (id 'north'): ehr.base-url ...}. */
    private static final class ProblemList {
        private final String where;
        private final List<String> problems = new ArrayList<>();

        ProblemList(int index, String id) {
            this.where = "bridge.clinics[" + index + "]" + (id == null ? "" : " (id '" + id + "')");
        }

        void add(String property, String reason) {
            problems.add(where + ": " + property + ": " + reason);
        }

        boolean isEmpty() { return problems.isEmpty(); }
        List<String> all() { return problems; }
    }

    /** Checks one clinic's properties and builds the typed {@link Clinic}, or reports why it cannot. */
    private static final class ClinicChecker {
        /** The shortest webhook secret taken: 32 characters, 128 bits and more as hex or base64. */
        private static final int MIN_WEBHOOK_SECRET = 32;
        private final ClinicProperties p;
        private final ProblemList problems;
        private final Secrets secrets;
        private final EhrKeyRing keyRing;
        private final EhrAuthCheck.SharedKeys sharedKeys;

        ClinicChecker(ClinicProperties p, ProblemList problems, Function<String, String> environment,
                      EhrKeyRing keyRing, EhrAuthCheck.SharedKeys sharedKeys) {
            this.p = p;
            this.problems = problems;
            this.secrets = new Secrets(environment);
            this.keyRing = keyRing;
            this.sharedKeys = sharedKeys;
        }

        Clinic check() {
            if (!RecordIds.isValid(p.getId())) {
                problems.add("id", "required; 1 to 64 characters of A-Z a-z 0-9 . _ -");
            } else if (PartitionNames.isReserved(p.getId())) {
                // Its partition in the auditors' store would be one kept for something else: HAPI's
                // default partition (the admins' audit trail) or the always-empty one.
                problems.add("id", "'" + p.getId() + "' is reserved (its auditors' store partition, '" + PartitionNames.of(p.getId())
                        + "', is one of " + new TreeSet<>(PartitionNames.RESERVED) + "); choose another id");
            }
            ZoneId zone = null;
            if (p.getTimeZone() == null || p.getTimeZone().isBlank()) {
                // No default: a silently assumed zone would shift every time sent without offset.
                problems.add("time-zone", "required (an IANA zone such as America/Denver)");
            } else {
                try {
                    zone = ZoneId.of(p.getTimeZone());
                } catch (DateTimeException e) {
                    problems.add("time-zone", "'" + p.getTimeZone() + "' is not an IANA time zone");
                }
            }
            String systemBase = p.getIdentifierSystemBase() == null || p.getIdentifierSystemBase().isBlank()
                    ? "urn:ketabridge:" + p.getId()
                    : stripTrailingSlash(p.getIdentifierSystemBase());
            EhrConnection ehr = checkEhr(p.getEhr() == null ? new EhrProperties() : p.getEhr());
            Path overrides = null;
            if (p.getMappingOverrides() != null && !p.getMappingOverrides().isBlank()) {
                overrides = Path.of(p.getMappingOverrides());
                if (!Files.isDirectory(overrides)) {
                    problems.add("mapping-overrides", "'" + p.getMappingOverrides() + "' is not a folder");
                }
            }
            if (!problems.isEmpty()) {
                return null;
            }
            Optional<String> facility = hl7Facility(p.getHl7Facility());
            Hl7Senders senders = hl7Senders(p.getHl7Senders(), facility.isPresent());
            Optional<Path> inbox = inbox(p.getInbox());
            Optional<AlertWebhook> alertWebhook = alertWebhook(p.getAlerts());
            if (!problems.isEmpty()) {
                return null;
            }
            String name = p.getName() == null || p.getName().isBlank() ? p.getId() : p.getName();
            return new Clinic(p.getId(), name, zone, systemBase, overrides, ehr, facility, senders, inbox, alertWebhook);
        }

        /**
         * Alerts (issue 17): an absolute http or https URL, and a secret to sign with of at least 32
         * characters (an HMAC key guessable from a short word would sign anything). The problems
         * never quote either: a webhook URL often carries the receiver's secret in its path.
         */
        private Optional<AlertWebhook> alertWebhook(ClinicProperties.Alerts alerts) {
            String url = alerts == null ? null : alerts.getWebhookUrl();
            boolean signed = alerts != null && (alerts.getWebhookSecretEnv() != null || alerts.getWebhookSecretFile() != null);
            String secret = signed ? secret(alerts.getWebhookSecretEnv(), alerts.getWebhookSecretFile(),
                    "alerts.webhook-secret-env", "alerts.webhook-secret-file") : null;
            if (secret != null && secret.strip().length() < MIN_WEBHOOK_SECRET) {
                problems.add(alerts.getWebhookSecretEnv() != null ? "alerts.webhook-secret-env" : "alerts.webhook-secret-file",
                        "the secret must be at least " + MIN_WEBHOOK_SECRET + " characters (e.g. `openssl rand -hex 32`)");
            }
            if (url == null) {
                if (signed) {
                    problems.add("alerts.webhook-secret-env", "a webhook secret is named without alerts.webhook-url: there is nothing to sign");
                }
                return Optional.empty();
            }
            try {
                URI uri = new URI(url.strip());
                if (uri.isAbsolute() && uri.getHost() != null && uri.getRawUserInfo() == null
                        && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                    return Optional.of(new AlertWebhook(uri, Optional.ofNullable(secret).map(String::strip)));
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            problems.add("alerts.webhook-url", "must be an absolute http or https URL with a host and without user"
                    + " info (e.g. https://alerts.example.org/hooks/ketabridge)");
            return Optional.empty();
        }

        /**
         * CSV drops (issue 15): the inbox must be a folder the bridge can write (it moves files out
         * of it into done/ and refused/); created when missing, so a first start needs no mkdir.
         */
        private Optional<Path> inbox(String folder) {
            if (folder == null) {
                return Optional.empty();
            }
            if (folder.isBlank()) {
                problems.add("inbox", "must name a folder when set");
                return Optional.empty();
            }
            Path path = Path.of(folder).toAbsolutePath().normalize();
            try {
                Files.createDirectories(path);
            } catch (IOException | SecurityException e) {
                problems.add("inbox", "'" + folder + "' is not a folder and cannot be created");
                return Optional.empty();
            }
            if (!Files.isWritable(path)) {
                problems.add("inbox", "'" + folder + "' cannot be written by the bridge (it moves processed files out)");
                return Optional.empty();
            }
            return Optional.of(path);
        }

        /** HL7 v2 (issue 14): MSH-5 or MSH-6 (an HD namespace id), written into every message as it is. */
        private Optional<String> hdNamespace(String property, String value) {
            if (value == null) {
                return Optional.empty();
            }
            if (!hl7Name(value)) {
                problems.add(property, "must be 1 to 20 printable ASCII characters without | ^ ~ \\ & and without"
                        + " leading or trailing blanks (as the EHR's HL7 v2 interface expects it in the message header)");
                return Optional.empty();
            }
            return Optional.of(value);
        }

        private static boolean hl7Name(String s) {
            return !s.isBlank() && s.length() <= 20 && s.equals(s.strip())
                    && s.chars().noneMatch(c -> "|^~\\&".indexOf(c) >= 0 || c < 0x20 || c > 0x7e);
        }

        /**
         * HL7 v2 (issue 14): MSH-4's namespace id (HD.1, at most 20 characters in v2.5.1), without
         * HL7's delimiters, so it can be written into a message as it is and compared as it comes.
         */
        private Optional<String> hl7Facility(String facility) {
            if (facility == null) {
                return Optional.empty();
            }
            if (!hl7Name(facility)) {
                problems.add("hl7-facility", "must be 1 to 20 printable ASCII characters without | ^ ~ \\ & and"
                        + " without leading or trailing blanks (MSH-4 as the clinic's HL7 v2 systems send it)");
                return Optional.empty();
            }
            return Optional.of(facility);
        }

        /**
         * HL7 v2 in: literal IP addresses or CIDR ranges (a host name is refused: it would be looked
         * up at every message, and DNS can be made to answer anything), and certificate subjects as
         * X.500 names. Only for a clinic with an hl7-facility: otherwise nothing would use them.
         */
        private Hl7Senders hl7Senders(ClinicProperties.Hl7SendersProperties p, boolean hasFacility) {
            if (p == null || p.getAddresses().isEmpty() && p.getCertificates().isEmpty()) {
                return Hl7Senders.ANYONE;
            }
            if (!hasFacility) {
                problems.add("hl7-senders", "is set without hl7-facility: no HL7 v2 message names this clinic");
            }
            List<String> addresses = new ArrayList<>();
            for (String a : p.getAddresses()) {
                if (a == null || !IpRanges.isLiteral(a.strip())) {
                    problems.add("hl7-senders.addresses", "'" + a + "' is not an IP address or a CIDR range"
                            + " (e.g. 10.20.0.5, 10.20.0.0/24, fd00::/8); host names are not taken");
                } else {
                    addresses.add(a.strip());
                }
            }
            List<X500Principal> certificates = new ArrayList<>();
            for (String c : p.getCertificates()) {
                try {
                    certificates.add(new X500Principal(c));
                } catch (IllegalArgumentException | NullPointerException e) {
                    problems.add("hl7-senders.certificates", "'" + c + "' is not a certificate subject"
                            + " (an X.500 name, e.g. CN=engine.lake.example.org, O=Lake Clinic)");
                }
            }
            return new Hl7Senders(addresses, certificates);
        }

        private EhrConnection checkEhr(EhrProperties e) {
            EhrType type = parseType(e.getType());
            if (type == null) {
                return null;
            }
            URI baseUrl = null;
            if (type == EhrType.FHIR) {
                baseUrl = checkBaseUrl(e.getBaseUrl());
            }
            MllpEndpoint mllp = type == EhrType.HL7V2 ? checkMllp(e) : null;
            WriteMode writeMode = parseWriteMode(e.getWriteMode());
            Optional<String> authorization = type == EhrType.FHIR ? authorizationHeader(e) : Optional.empty();
            if (e.getMaxInFlight() < 1) {
                problems.add("ehr.max-in-flight", "must be at least 1");
            }
            if (type == EhrType.HL7V2 && e.getMaxInFlight() > 1) {
                // Issue 14: one MLLP connection per clinic, one message at a time, so the EHR
                // receives each patient's messages in the order they were accepted.
                problems.add("ehr.max-in-flight", "must be 1 for hl7v2: the bridge sends one message at a time on one"
                        + " MLLP connection, so each patient's messages arrive in order");
            }
            if (e.getRatePerSecond() != null && e.getRatePerSecond() <= 0) {
                problems.add("ehr.rate-per-second", "must be greater than 0 when set");
            }
            Map<String, WriteStrategy> resourceStrategies = resourceStrategies(e);
            // Tokens (issue 13): smart-backend and client-secret.
            EhrAuth auth = type == EhrType.FHIR
                    ? new EhrAuthCheck(problems::add, this::secret, keyRing, sharedKeys, problems.where).check(e)
                    : EhrAuth.of(EhrAuthMethod.NONE);
            Optional<String> patientSystem = type == EhrType.FHIR ? patientIdentifierSystem(e, resourceStrategies) : Optional.empty();
            if (e.getPatientRecheck() == null || e.getPatientRecheck().isNegative() || e.getPatientRecheck().isZero()) {
                problems.add("ehr.patient-recheck", "must be a positive duration (e.g. 5m)");
            }
            return new EhrConnection(type, baseUrl, authorization, writeMode, e.getMaxInFlight(),
                    e.getRatePerSecond(), e.getConnectTimeout(), e.getRequestTimeout(), resourceStrategies, auth,
                    patientSystem, e.getPatientRecheck(), mllp);
        }

        /** HL7 v2 (issue 14): the EHR's MLLP listener; no auth (MLLP has none: TLS, and the network, protect it). */
        private MllpEndpoint checkMllp(EhrProperties e) {
            boolean ok = true;
            if (e.getHost() == null || e.getHost().isBlank()) {
                problems.add("ehr.host", "required when ehr.type is hl7v2 (the EHR's MLLP listener)");
                ok = false;
            }
            if (e.getPort() == null || e.getPort() < 1 || e.getPort() > 65535) {
                problems.add("ehr.port", "required when ehr.type is hl7v2: a TCP port from 1 to 65535");
                ok = false;
            }
            if (e.getAuth() != null && !e.getAuth().isBlank() && !e.getAuth().trim().equalsIgnoreCase("none")) {
                problems.add("ehr.auth", "must be none for hl7v2: MLLP carries no credentials (use ehr.tls and the network)");
                ok = false;
            }
            Optional<String> application = hdNamespace("ehr.receiving-application", e.getReceivingApplication());
            Optional<String> facility = hdNamespace("ehr.receiving-facility", e.getReceivingFacility());
            return ok && problems.isEmpty()
                    ? new MllpEndpoint(e.getHost().trim(), e.getPort(), e.isTls(), application, facility) : null;
        }

        // The EHR's patient (issue 13, match).
        /**
         * The system under which the EHR knows MRNs: an absolute URI ({@code urn:oid:...},
         * {@code https://...}) without the characters a FHIR token search would need escaped in it
         * ({@code | , $ \}) or blanks. Required when the operator says {@code ehr.resources.Patient:
         * match}; without it an EHR whose statement makes patients matched leaves patient records
         * waiting, saying so (the plan is known only once the statement is read).
         */
        private Optional<String> patientIdentifierSystem(EhrProperties e, Map<String, WriteStrategy> strategies) {
            String system = e.getPatientIdentifierSystem() == null ? null : e.getPatientIdentifierSystem().trim();
            if (system == null || system.isEmpty()) {
                if (strategies.get("Patient") == WriteStrategy.MATCH) {
                    problems.add("ehr.patient-identifier-system", "required when ehr.resources.Patient is match: the"
                            + " identifier system (a URI) under which the EHR knows the clinic's MRNs, e.g."
                            + " urn:oid:2.16.840.1.113883.3.1234 or https://hospital.example.org/mrn");
                }
                return Optional.empty();
            }
            if (system.chars().anyMatch(c -> c == '|' || c == ',' || c == '$' || c == '\\' || Character.isWhitespace(c))) {
                problems.add("ehr.patient-identifier-system", "'" + system + "' holds a character a FHIR token search"
                        + " would need escaped (| , $ \\) or a blank; give the system as the EHR states it on its patients");
                return Optional.empty();
            }
            try {
                if (URI.create(system).getScheme() == null) {
                    problems.add("ehr.patient-identifier-system", "'" + system + "' is not an absolute URI (e.g. urn:oid:... or https://...)");
                    return Optional.empty();
                }
            } catch (IllegalArgumentException ex) {
                problems.add("ehr.patient-identifier-system", "'" + system + "' is not a URI");
                return Optional.empty();
            }
            return Optional.of(system);
        }

        private EhrType parseType(String type) {
            if (type == null || type.isBlank()) {
                problems.add("ehr.type", "required: fhir, hl7v2 or none");
                return null;
            }
            switch (type.trim().toLowerCase(Locale.ROOT)) {
                case "fhir": return EhrType.FHIR;
                case "none": return EhrType.NONE;
                case "hl7v2": return EhrType.HL7V2;
                default:
                    problems.add("ehr.type", "unknown EHR type '" + type + "'; expected fhir, hl7v2 or none");
                    return null;
            }
        }

        private URI checkBaseUrl(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) {
                problems.add("ehr.base-url", "required when ehr.type is fhir");
                return null;
            }
            try {
                URI uri = URI.create(stripTrailingSlash(baseUrl.trim()));
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add("ehr.base-url", "must be an absolute http or https URL");
                    return null;
                }
                return uri;
            } catch (IllegalArgumentException ex) {
                problems.add("ehr.base-url", "is not a valid URL");
                return null;
            }
        }

        private WriteMode parseWriteMode(String mode) {
            String m = mode == null ? "transaction" : mode.trim().toLowerCase(Locale.ROOT);
            switch (m) {
                case "transaction": return WriteMode.TRANSACTION;
                case "per-resource": return WriteMode.PER_RESOURCE;
                case "auto": return WriteMode.AUTO;
                default:
                    problems.add("ehr.write-mode", "unknown write mode '" + mode + "'; expected transaction, per-resource or auto");
                    return null;
            }
        }

        private Optional<String> authorizationHeader(EhrProperties e) {
            String auth = e.getAuth() == null ? "none" : e.getAuth().trim().toLowerCase(Locale.ROOT);
            switch (auth) {
                case "none":
                    return Optional.empty();
                case "basic": {
                    if (e.getUsername() == null || e.getUsername().isBlank()) {
                        problems.add("ehr.username", "required when ehr.auth is basic");
                    }
                    String password = secret(e.getPasswordEnv(), e.getPasswordFile(), "ehr.password-env", "ehr.password-file");
                    if (password == null || e.getUsername() == null) {
                        return Optional.empty();
                    }
                    String pair = e.getUsername() + ":" + password;
                    return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
                }
                case "bearer": {
                    String token = secret(e.getTokenEnv(), e.getTokenFile(), "ehr.token-env", "ehr.token-file");
                    return token == null ? Optional.empty() : Optional.of("Bearer " + token);
                }
                case "smart-backend":
                case "client-secret":
                    // A token per request, from the EHR's token endpoint (issue 13): EhrAuthCheck.
                    return Optional.empty();
                default:
                    problems.add("ehr.auth", "unknown auth '" + e.getAuth() + "'; expected none, basic, bearer, smart-backend or client-secret");
                    return Optional.empty();
            }
        }

        // Issue 13 (write plan): ehr.resources.<ResourceType>: <strategy>.
        /**
         * The operator's write strategy per resource type: a type the bridge writes (any case, as an
         * environment variable gives it) and one of {@link WriteStrategy}'s names; {@code match} for
         * Patient only (the bridge finds the EHR's patient; it matches nothing else), and never
         * {@code none} for Patient (every record refers to its patient).
         */
        private Map<String, WriteStrategy> resourceStrategies(EhrProperties e) {
            if (e.getResources() == null) {
                return Map.of();
            }
            Map<String, WriteStrategy> strategies = new LinkedHashMap<>();
            e.getResources().forEach((name, value) -> {
                String property = "ehr.resources." + name;
                Optional<String> type = EhrResourceTypes.canonical(name);
                Optional<WriteStrategy> strategy = WriteStrategy.fromConfigName(value);
                if (type.isEmpty()) {
                    problems.add(property, "unknown resource type '" + name + "'; the bridge writes "
                            + String.join(", ", EhrResourceTypes.WRITTEN));
                }
                if (strategy.isEmpty()) {
                    problems.add(property, "unknown write strategy '" + value + "'; expected one of " + WriteStrategy.configNames());
                }
                if (type.isEmpty() || strategy.isEmpty()) {
                    return;
                }
                if (strategy.get() == WriteStrategy.MATCH && !"Patient".equals(type.get())) {
                    problems.add(property, "match is for Patient only (the bridge finds the EHR's own patient; it matches nothing else)");
                } else if (strategy.get() == WriteStrategy.NONE && "Patient".equals(type.get())) {
                    // Every record refers to its patient (a required subject): an EHR that takes no
                    // Patient takes nothing from the bridge, so this is a mistake, not a plan.
                    problems.add(property, "none is not possible for Patient: every record the bridge sends refers to its"
                            + " patient, so an EHR that takes no Patient could take no record at all; for an EHR that"
                            + " keeps its own patients use match, for no EHR at all ehr.type: none");
                } else if (strategies.containsKey(type.get())) {
                    problems.add(property, type.get() + " is given more than once");
                } else {
                    strategies.put(type.get(), strategy.get());
                }
            });
            return Map.copyOf(strategies);
        }

        /** A secret comes from an environment variable or a file the operator names, never from the clinics file itself. */
        private String secret(String envName, String file, String envProperty, String fileProperty) {
            return secrets.read(envName, file, envProperty, fileProperty, problems::add);
        }

        private static String stripTrailingSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
