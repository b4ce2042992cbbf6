package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.config.EhrType;
import org.ketabridge.config.WriteMode;
import org.ketabridge.config.WriteStrategy;
import org.ketabridge.ehr.ConnectFailure;
import org.ketabridge.ehr.EhrCheckReport;
import org.ketabridge.ehr.EhrCheckReport.Step;
import org.ketabridge.ehr.EhrCheckReport.TypeReport;
import org.ketabridge.ehr.auth.EhrTokenUnavailableException;
import org.ketabridge.ehr.auth.EhrTokens;
import org.ketabridge.ehr.auth.TokenStatus;
import org.ketabridge.ehr.fhir.EhrCapabilities.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The connection check of one clinic's FHIR EHR (issue 13, item 6): what clinic IT asks with
 * {@code POST /api/v1/clinics/{clinicId}/ehr/check}. It sends reads only (GET {@code [base]/metadata},
 * and the token request and smart-configuration read the clinic's token setup makes), never a
 * write, and puts nothing on the bridge's queues. Steps, each ok or with its problem, the check
 * going on where it can:
 *
 * <ol>
 * <li>{@code reach}: {@code GET [base]/metadata} as the sync sends requests (the JDK HttpClient, the
 *     clinic's connect and request timeouts, no redirects; basic or bearer credentials when
 *     configured, no token yet). Any HTTP answer is reached; else the kind of failure:
 *     {@code dns}, {@code unreachable}, {@code tls} (with the TLS error's own words), {@code timeout},
 *     {@code connection};</li>
 * <li>{@code token} (smart-backend and client-secret only): an access token as the sync gets it
 *     ({@link EhrTokens}; a token still valid is used as it is): the method, the token URL and
 *     whether it was configured or discovered, the key; or the OAuth error the token endpoint
 *     answered (invalid_client, ...). Never the token or a secret;</li>
 * <li>{@code metadata}: the EHR's R4 CapabilityStatement, from the answer above (read again
 *     with the token when the EHR wanted one): FHIR version, software, whether transaction and
 *     batch are declared;</li>
 * <li>{@code plan}: the clinic's {@link WritePlan} made from that statement, which {@link EhrPlans}
 *     takes from now on; a problem per type the bridge cannot write as planned (not accepted by
 *     this EHR, no identifier search, create only, a configured write mode the statement does
 *     not allow) and the strategies this version does not write with yet; and how the clinic's
 *     patients reach the EHR ({@code patients: matched by <system>}, or {@code upsert}), a match
 *     with no {@code ehr.patient-identifier-system} to search by being a problem.</li>
 * </ol>
 *
 * The check is ok when no step has a problem: an EHR whose records this version cannot write
 * (strategies not built yet, a type not accepted) is not ok, however healthy the connection.
 */
@Component
public class EhrConnectionCheck {

    private static final Logger log = LoggerFactory.getLogger(EhrConnectionCheck.class);

    public static final String NO_EHR = "this clinic has no EHR configured";

    private final FhirContext fhir;
    private final EhrPlans plans;
    private final EhrTokens tokens;
    private final Clock clock;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public EhrConnectionCheck(FhirContext fhir, EhrPlans plans, EhrTokens tokens, Clock clock) {
        this.fhir = fhir;
        this.plans = plans;
        this.tokens = tokens;
        this.clock = clock;
    }

    public EhrCheckReport check(Clinic clinic) {
        Instant at = clock.instant();
        if (clinic.ehr().type() != EhrType.FHIR) {
            log.info("Clinic {} EHR check: no EHR configured", clinic.id());
            return new EhrCheckReport(clinic.id(), false, at, null, List.of(), Map.of(), List.of(NO_EHR));
        }
        EhrConnection ehr = clinic.ehr();
        boolean usesTokens = ehr.auth() != null && ehr.auth().usesTokens();
        URI metadataUrl = URI.create(ehr.baseUrl() + "/metadata");
        HttpClient http = clients.computeIfAbsent(clinic.id(), id -> EhrExchange.httpClient(ehr));
        List<Step> steps = new ArrayList<>();

        Answer reached = get(http, ehr, metadataUrl, usesTokens ? Optional.empty() : ehr.authorizationHeader());
        steps.add(reachStep(reached, metadataUrl));

        Optional<String> token = Optional.empty();
        if (usesTokens) {
            TokenOutcome outcome = token(clinic);
            steps.add(outcome.step());
            token = outcome.header();
        }

        Answer metadata = reached;
        boolean wantsCredentials = reached.response() != null
                && (reached.response().statusCode() == 401 || reached.response().statusCode() == 403);
        if (wantsCredentials && token.isPresent()) {
            metadata = get(http, ehr, metadataUrl, token);
        }
        MetadataOutcome read = metadataStep(metadata, metadata != reached, metadataUrl, ehr, usesTokens, token.isPresent());
        steps.add(read.step());

        WritePlan plan = read.statement().map(s -> plans.refresh(clinic.id(), s))
                .or(() -> plans.of(clinic.id()))
                .orElseGet(() -> WritePlan.of(ehr));
        Map<String, List<String>> typeProblems = new LinkedHashMap<>();
        List<String> planProblems = planProblems(plan, read.statement().orElse(null), typeProblems);
        steps.add(planStep(plan, planProblems, read.statement().isPresent()));

        List<String> problems = new ArrayList<>();
        for (Step s : steps) {
            // A step skipped for a problem found before it says so, but is not a problem of its own.
            if (s.problem() != null && !"skipped".equals(s.kind()) && !"plan".equals(s.step()) && !"not-verified".equals(s.kind())) {
                problems.add(s.problem());
            }
        }
        problems.addAll(planProblems);
        boolean ok = problems.isEmpty() && steps.stream().allMatch(Step::ok);

        Map<String, TypeReport> byType = new LinkedHashMap<>();
        // If-Match and identifier search are told where they matter: for strategies that create (and version) by id.
        plan.byType().forEach((type, p) -> byType.put(type, new TypeReport(p.strategy().configName(), sourceName(p.source()),
                plan.statementRead() && versionsById(p.strategy()) ? p.ifMatch() : null,
                plan.statementRead() && (creates(p.strategy()) || p.strategy() == WriteStrategy.MATCH) ? p.identifierSearch() : null,
                typeProblems.getOrDefault(type, List.of()))));

        String writeMode = modeName(plan.writeMode());
        EhrCheckReport report = new EhrCheckReport(clinic.id(), ok, at, writeMode, List.copyOf(steps), byType, List.copyOf(problems));
        if (ok) {
            log.info("Clinic {} EHR check: ok (write-mode {})", clinic.id(), writeMode);
        } else {
            // Kinds only: problems may quote the EHR (a TLS error, an OAuth error description).
            log.warn("Clinic {} EHR check: not ok ({})", clinic.id(), report.failedSteps());
        }
        return report;
    }

    // --- reach ---

    /** One GET and its answer, or the kind of failure that stood in its way. */
    private record Answer(HttpResponse<String> response, String kind, String problem) {
    }

    private Answer get(HttpClient http, EhrConnection ehr, URI url, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(ehr.requestTimeout())
                .header("Accept", EhrExchange.FHIR_JSON)
                .GET();
        authorization.ifPresent(h -> request.header("Authorization", h));
        try {
            return new Answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)), null, null);
        } catch (IOException e) {
            return failure(e, ehr, url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, "interrupted", "the check was interrupted");
        }
    }

    /** The kind of failure ({@link ConnectFailure}), with the HttpClient's own timeouts. */
    static Answer failure(IOException e, EhrConnection ehr, URI url) {
        String at = hostAndPort(url);
        ConnectFailure failure = ConnectFailure.dns(e, url.getHost(), "ehr.base-url")
                .or(() -> ConnectFailure.tls(e, at))
                .or(() -> timeout(e, ehr, url, at))
                .or(() -> ConnectFailure.unreachable(e, at))
                .orElseGet(() -> ConnectFailure.other(e, at));
        return new Answer(null, failure.kind(), failure.problem());
    }

    private static Optional<ConnectFailure> timeout(IOException e, EhrConnection ehr, URI url, String at) {
        if (ConnectFailure.causedBy(e, HttpConnectTimeoutException.class)) {
            return Optional.of(new ConnectFailure("timeout", "no connection to " + at + " within "
                    + ehr.connectTimeout().toMillis() + " ms (ehr.connect-timeout)"));
        }
        if (ConnectFailure.causedBy(e, HttpTimeoutException.class)) {
            return Optional.of(new ConnectFailure("timeout", "connected to " + at + ", but GET " + display(url)
                    + " had no answer within " + ehr.requestTimeout().toMillis() + " ms (ehr.request-timeout)"));
        }
        return Optional.empty();
    }

    private static Step reachStep(Answer answer, URI url) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("url", display(url));
        if (answer.response() == null) {
            return new Step("reach", false, "GET " + display(url), "EHR not reached: " + answer.problem(), answer.kind(), facts);
        }
        int status = answer.response().statusCode();
        String tls = answer.response().sslSession().map(s -> s.getProtocol()).orElse(null);
        facts.put("httpStatus", status);
        facts.put("tls", tls == null ? "none" : tls);
        return new Step("reach", true, "GET " + display(url) + " answered HTTP " + status
                + (tls == null ? " (plain HTTP, no TLS)" : " over " + tls), null, null, facts);
    }

    // --- token ---

    private record TokenOutcome(Step step, Optional<String> header) {
    }

    private TokenOutcome token(Clinic clinic) {
        Optional<String> header;
        EhrTokenUnavailableException refused = null;
        try {
            header = tokens.of(clinic).header();
        } catch (EhrTokenUnavailableException e) {
            header = Optional.empty();
            refused = e;
        }
        Optional<TokenStatus> status = tokens.status().stream().filter(s -> s.clinicId().equals(clinic.id())).findFirst();
        Map<String, Object> facts = new LinkedHashMap<>();
        status.ifPresent(s -> {
            facts.put("method", s.method());
            if (s.tokenUrl() != null) {
                facts.put("tokenUrl", displayText(s.tokenUrl()));
            }
            facts.put("tokenUrlSource", s.tokenUrlSource());
            if (s.signingKid() != null) {
                facts.put("kid", s.signingKid());
            }
        });
        String from = status.map(s -> s.tokenUrl() == null ? "its token endpoint" : displayText(s.tokenUrl())
                + " (" + s.tokenUrlSource() + ")").orElse("its token endpoint");
        String method = status.map(TokenStatus::method).orElse("token");
        if (refused == null && header.isPresent()) {
            status.map(TokenStatus::tokenExpiresAt).ifPresent(exp -> facts.put("expiresAt", exp.toString()));
            return new TokenOutcome(new Step("token", true, method + ": an access token from " + from
                    + status.map(TokenStatus::tokenExpiresAt).map(exp -> ", valid until " + exp).orElse(""), null, null, facts),
                    header);
        }
        if (refused == null) {
            return new TokenOutcome(new Step("token", false, method, "no access token was issued by " + from,
                    "token-request-failed", facts), header);
        }
        facts.put("error", refused.error());
        if (refused.description() != null) {
            facts.put("errorDescription", refused.description());
        }
        if (refused.httpStatus() != 0) {
            facts.put("httpStatus", refused.httpStatus());
        }
        String kind = switch (refused.error()) {
            case EhrTokenUnavailableException.UNREACHABLE -> "token-endpoint-unreachable";
            case EhrTokenUnavailableException.DISCOVERY_FAILED -> "token-url-not-found";
            case EhrTokenUnavailableException.INVALID_TOKEN_RESPONSE -> "token-response-invalid";
            default -> refused.httpStatus() != 0 ? "token-refused" : "token-request-failed";
        };
        String why = refused.error() + (refused.description() == null ? "" : " (" + printable(refused.description(), 300) + ")")
                + (refused.httpStatus() == 0 ? "" : ", HTTP " + refused.httpStatus());
        String problem = switch (kind) {
            case "token-refused" -> "the token endpoint " + from + " refused the bridge: " + why;
            case "token-url-not-found" -> "no token URL: " + why;
            default -> "no access token from " + from + ": " + why;
        };
        return new TokenOutcome(new Step("token", false, method, problem, kind, facts), header);
    }

    // --- metadata ---

    private record MetadataOutcome(Step step, Optional<CapabilityStatement> statement) {
    }

    private MetadataOutcome metadataStep(Answer answer, boolean withToken, URI url, EhrConnection ehr, boolean usesTokens,
                                         boolean haveToken) {
        String request = "GET " + display(url) + (withToken ? " with the access token" : "");
        Map<String, Object> facts = new LinkedHashMap<>();
        if (answer.response() == null) {
            if (withToken) {
                return failed(request, "EHR not reached: " + answer.problem(), answer.kind(), facts);
            }
            return failed(request, "not read: the EHR was not reached", "skipped", facts);
        }
        int status = answer.response().statusCode();
        facts.put("httpStatus", status);
        if (status == 401 || status == 403) {
            String problem;
            if (withToken) {
                problem = "the EHR refused the bridge's access token to " + request + " (HTTP " + status + ")";
            } else if (usesTokens && !haveToken) {
                problem = "the EHR wants an access token for GET " + display(url) + " (HTTP " + status
                        + ") and none could be had (see the token step)";
            } else if (ehr.authorizationHeader().isPresent()) {
                problem = "the EHR refused the bridge's credentials (ehr.auth) to " + request + " (HTTP " + status + ")";
            } else {
                problem = "the EHR wants credentials for " + request + " (HTTP " + status + ") and ehr.auth is none";
            }
            return failed(request, problem, "credentials", facts);
        }
        if (status != 200) {
            String hint = status == 404 ? ": is ehr.base-url the EHR's FHIR base? The bridge reads [base]/metadata"
                    : status >= 300 && status < 400 ? answer.response().headers().firstValue("Location")
                            .map(l -> ": it redirects to " + printable(l, 200) + " (the bridge follows no redirects: is that the base?)")
                            .orElse(" (a redirect; the bridge follows none)")
                    : status >= 500 ? ": the EHR may be down or overloaded" : "";
            return failed(request, "the EHR answered HTTP " + status + " to " + request + hint, "http-status", facts);
        }
        Reading reading = EhrCapabilities.parse(fhir, answer.response().body());
        if (!reading.ok()) {
            return failed(request, reading.problem() + ": is ehr.base-url the EHR's FHIR base?", "not-a-capability-statement", facts);
        }
        CapabilityStatement statement = reading.statement().orElseThrow();
        String version = statement.hasFhirVersion() ? statement.getFhirVersion().toCode() : null;
        String software = statement.hasSoftware() ? printable(String.join(" ", java.util.stream.Stream.of(
                statement.getSoftware().getName(), statement.getSoftware().getVersion())
                .filter(part -> part != null && !part.isBlank()).toList()), 80) : null;
        Optional<CapabilityStatementRestComponent> server = WritePlan.serverRest(statement);
        boolean transaction = server.map(r -> declares(r, SystemRestfulInteraction.TRANSACTION)).orElse(false);
        boolean batch = server.map(r -> declares(r, SystemRestfulInteraction.BATCH)).orElse(false);
        if (version != null) {
            facts.put("fhirVersion", version);
        }
        if (software != null) {
            facts.put("software", software);
        }
        facts.put("transaction", transaction);
        facts.put("batch", batch);
        List<String> patchFormats = statement.getPatchFormat().stream().map(f -> f.getValue()).filter(f -> f != null).toList();
        if (!patchFormats.isEmpty()) {
            facts.put("patchFormat", patchFormats);
        }
        String detail = "CapabilityStatement read: FHIR " + (version == null ? "version not stated" : version)
                + (software == null ? "" : ", " + software)
                + "; transaction " + (transaction ? "declared" : "not declared")
                + ", batch " + (batch ? "declared" : "not declared")
                + (server.isPresent() ? "" : "; it declares no server REST interface");
        if (version != null && !version.startsWith("4.0")) {
            return new MetadataOutcome(new Step("metadata", false, detail, "the EHR's CapabilityStatement says FHIR " + version
                    + "; the bridge writes FHIR R4 (4.0.1)", "fhir-version", facts), Optional.of(statement));
        }
        return new MetadataOutcome(new Step("metadata", true, detail, null, null, facts), Optional.of(statement));
    }

    private static MetadataOutcome failed(String request, String problem, String kind, Map<String, Object> facts) {
        return new MetadataOutcome(new Step("metadata", false, request, problem, kind, facts), Optional.empty());
    }

    // --- plan ---

    /**
     * What stands between the plan and the EHR, in the order clinic IT would fix it: per type
     * (collected into {@code byType} as well), then the write mode, then what this version does
     * not write with yet.
     */
    private static List<String> planProblems(WritePlan plan, CapabilityStatement statement, Map<String, List<String>> byType) {
        List<String> problems = new ArrayList<>();
        Optional<CapabilityStatementRestComponent> server = statement == null ? Optional.empty() : WritePlan.serverRest(statement);
        plan.byType().forEach((type, p) -> {
            List<String> mine = new ArrayList<>();
            WriteStrategy s = p.strategy();
            if (s == WriteStrategy.NONE) {
                mine.add(type + ": not accepted by this EHR" + switch (p.source()) {
                    case CONFIGURATION -> " (configured: ehr.resources." + type + ": none)";
                    case STATEMENT -> " (its CapabilityStatement declares no create for it)";
                    default -> "";
                } + ("Patient".equals(type)
                        // Issue 13: every record refers to its patient (a required subject).
                        ? "; every record refers to its patient, so none of this clinic's records can be sent" : ""));
            }
            if (creates(s) && plan.statementRead() && !p.identifierSearch()) {
                mine.add(type + ": no identifier search (a create whose answer was lost cannot be looked up by its identifier"
                        + (SameRecord.declared(type, p) ? "; it is looked up by patient and date instead, and judged by its content)"
                                : ", and this EHR declares no search by patient and date for it either)"));
            }
            if (s == WriteStrategy.MATCH && plan.statementRead() && !p.identifierSearch()) {
                mine.add(type + ": matched by identifier, but this EHR's CapabilityStatement declares no identifier search"
                        + " for Patient (the bridge finds the EHR's patient with Patient?identifier=system|MRN)");
            }
            if (type.equals("Patient")) {
                plan.patientProblem().ifPresent(mine::add);
            }
            if (s == WriteStrategy.CREATE_ONLY) {
                mine.add(type + ": create only (this EHR declares neither update nor patch for it: a later version of a"
                        + " record cannot be sent)");
            }
            if (p.source() == WritePlan.Source.WRITE_MODE && server.isPresent()) {
                WriteStrategy allowed = server.flatMap(r -> WritePlan.resource(r, type)).map(r -> WritePlan.fromStatement(type, r))
                        .orElse(WriteStrategy.NONE);
                if (allowed != WriteStrategy.CONDITIONAL_UPDATE) {
                    mine.add(type + ": write-mode " + modeName(plan.configuredMode()) + (type.equals("Provenance")
                            ? " writes it to an id of the bridge's own (PUT Provenance/kb-...), an update that creates,"
                            : " sends conditional updates (PUT " + type + "?identifier=...),")
                            + " which this EHR's CapabilityStatement does not declare for it ("
                            + (allowed == WriteStrategy.NONE ? "it declares no create for it" : "it allows " + allowed)
                            + "); if the statement is incomplete, name the type in ehr.resources");
                }
            }
            if (!mine.isEmpty()) {
                byType.put(type, List.copyOf(mine));
                problems.addAll(mine);
            }
        });
        if (plan.configuredMode() == WriteMode.TRANSACTION && server.isPresent()
                && !declares(server.get(), SystemRestfulInteraction.TRANSACTION)) {
            problems.add("write-mode transaction: this EHR's CapabilityStatement declares no transaction interaction");
        }
        return problems;
    }

    private static Step planStep(WritePlan plan, List<String> problems, boolean readNow) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("configuredWriteMode", modeName(plan.configuredMode()));
        facts.put("writeMode", modeName(plan.writeMode()));
        facts.put("statementRead", plan.statementRead());
        facts.put("patientMode", plan.patientMode());
        facts.put("patients", plan.patients());
        plan.patientIdentifierSystem().filter(system -> plan.matchesPatients())
                .ifPresent(system -> facts.put("patientIdentifierSystem", system));
        String mode = plan.configuredMode() == WriteMode.AUTO
                ? "write-mode auto: " + modeName(plan.writeMode()) : "write-mode " + modeName(plan.writeMode()) + ", as configured";
        String detail = mode + "; " + plan.summary() + "; patients: " + plan.patients()
                + (!readNow && plan.statementRead() ? " (from the EHR's CapabilityStatement as read before)" : "");
        if (!plan.statementRead()) {
            return new Step("plan", false, detail, "not checked against the EHR: its CapabilityStatement was not read"
                    + (plan.configuredMode() == WriteMode.AUTO ? " (the bridge writes per resource until it is)" : ""),
                    "not-verified", facts);
        }
        if (!problems.isEmpty()) {
            return new Step("plan", false, detail, problems.size() == 1 ? problems.get(0)
                    : problems.size() + " problems (listed in problems)", "not-writable", facts);
        }
        return new Step("plan", true, detail, null, null, facts);
    }

    // --- helpers ---

    /** Strategies whose first write is a create: a lost answer needs a lookup. */
    private static boolean creates(WriteStrategy s) {
        return s == WriteStrategy.CONDITIONAL_CREATE || versionsById(s) || s == WriteStrategy.CREATE_ONLY;
    }

    /** Strategies whose later versions go to the EHR's id, with If-Match. */
    private static boolean versionsById(WriteStrategy s) {
        return s == WriteStrategy.CONDITIONAL_CREATE || s == WriteStrategy.CREATE_UPDATE || s == WriteStrategy.CREATE_PATCH;
    }


    private static boolean declares(CapabilityStatementRestComponent rest, SystemRestfulInteraction interaction) {
        return rest.getInteraction().stream().anyMatch(i -> i.getCode() == interaction);
    }

    private static String modeName(WriteMode mode) {
        return switch (mode) {
            case TRANSACTION -> "transaction";
            case PER_RESOURCE -> "per-resource";
            case AUTO -> "auto";
        };
    }

    private static String sourceName(WritePlan.Source source) {
        return switch (source) {
            case STATEMENT -> "statement";
            case CONFIGURATION -> "configuration";
            case WRITE_MODE -> "write-mode";
            case ASSUMED -> "assumed";
        };
    }

    private static String hostAndPort(URI url) {
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    /** A URL as the check shows it: without user info (a URL may carry credentials) or query. */
    private static String display(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return url.getScheme() + "://" + hostAndPort(url);
        }
    }

    private static String displayText(String url) {
        try {
            return display(URI.create(url));
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }

    private static String printable(String s, int max) {
        return ConnectFailure.printable(s, max);
    }
}
