package org.ketabridge.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.logging.LogSafe;

/**
 * Reads what a clinic's FHIR EHR says it can do: {@code GET [base]/metadata}, its R4
 * CapabilityStatement. Reads only; never throws: a failure is a {@link Reading} that says why, in
 * words fit for a log (the kind of error, never a message that could quote the EHR's answer).
 *
 * <p>Asked the way {@link FhirEhrClient} asks: the JDK HttpClient with the clinic's connect and
 * request timeouts, no redirects followed, HTTP/1.1, and the clinic's Authorization header when
 * it has one.
 */
public class EhrCapabilities {

    private final EhrConnection ehr;
    private final FhirContext fhir;
    private final HttpClient http;

    public EhrCapabilities(EhrConnection ehr, FhirContext fhir) {
        this.ehr = ehr;
        this.fhir = fhir;
        this.http = EhrExchange.httpClient(ehr);
    }

    /** What {@code GET [base]/metadata} gave: the statement, or why there is none. */
    public record Reading(Optional<CapabilityStatement> statement, String problem) {

        static Reading of(CapabilityStatement statement) {
            return new Reading(Optional.of(statement), null);
        }

        static Reading failed(String problem) {
            return new Reading(Optional.empty(), problem);
        }

        public boolean ok() {
            return statement.isPresent();
        }
    }

    public Reading read() {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ehr.baseUrl() + "/metadata"))
                .timeout(ehr.requestTimeout())
                .header("Accept", EhrExchange.FHIR_JSON)
                .GET();
        ehr.authorizationHeader().ifPresent(h -> request.header("Authorization", h));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            return Reading.failed("EHR unreachable: no connection within " + ehr.connectTimeout().toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            return Reading.failed("EHR did not answer GET metadata within " + ehr.requestTimeout().toMillis() + " ms");
        } catch (IOException e) {
            return Reading.failed("EHR unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reading.failed("interrupted while reading the EHR's CapabilityStatement");
        }
        if (response.statusCode() != 200) {
            return Reading.failed("EHR answered " + response.statusCode() + " to GET metadata");
        }
        return parse(response.body());
    }

    /** The body as an R4 CapabilityStatement (JSON, or XML from a server that ignores Accept). */
    Reading parse(String body) {
        return parse(fhir, body);
    }

    /** As {@link #parse(String)}, for the connection check, which makes its own request. */
    static Reading parse(FhirContext fhir, String body) {
        if (body == null || body.isBlank()) {
            return Reading.failed("EHR answered GET metadata with an empty body");
        }
        IParser parser = body.stripLeading().startsWith("<") ? fhir.newXmlParser() : fhir.newJsonParser();
        try {
            return Reading.of(parser.parseResource(CapabilityStatement.class, body));
        } catch (RuntimeException e) {
            return Reading.failed("EHR's answer to GET metadata is not an R4 CapabilityStatement (" + LogSafe.kinds(e) + ")");
        }
    }
}
