package org.ketabridge.ehr.fhir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.ketabridge.config.EhrConnection;
import org.ketabridge.ehr.EhrRequestObserver;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.RequestPacer;
import org.ketabridge.ehr.auth.EhrAuthorization;

/**
 * How every request reaches one clinic's FHIR EHR: the JDK HttpClient with the clinic's connect
 * and request timeouts, no redirects followed, HTTP/1.1, the clinic's pace, and the Authorization
 * header of the moment (one new token and one more try after a 401 to an access token).
 *
 * <p>The JDK's client rather than HAPI's generic client: the bridge needs the raw status and
 * Retry-After of every answer, per-clinic timeouts, and no hidden retries (Apache HttpClient
 * under HAPI's client silently repeats idempotent requests).
 */
final class EhrExchange {

    static final String FHIR_JSON = "application/fhir+json";

    private final EhrConnection ehr;
    private final HttpClient http;
    private final RequestPacer pacer;
    private final EhrAuthorization authorization;
    private final String clinicId;
    private final EhrRequestObserver observer;

    EhrExchange(String clinicId, EhrConnection ehr, EhrAuthorization authorization, EhrRequestObserver observer) {
        this.clinicId = clinicId;
        this.ehr = ehr;
        this.authorization = authorization;
        this.observer = observer;
        this.pacer = RequestPacer.of(ehr.ratePerSecond());
        this.http = httpClient(ehr);
    }

    /** The one HttpClient setup for a clinic's EHR (the sync, the statement read and the connection check alike). */
    static HttpClient httpClient(EhrConnection ehr) {
        return HttpClient.newBuilder()
                .connectTimeout(ehr.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** {@code [base]/path}. */
    URI at(String path) {
        return URI.create(ehr.baseUrl() + "/" + path);
    }

    /** A FHIR JSON request with the clinic's request timeout. */
    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(ehr.requestTimeout())
                .header("Content-Type", FHIR_JSON + "; charset=utf-8")
                .header("Accept", FHIR_JSON);
    }

    /**
     * The EHR's answer, a 5xx, 408 or 409 thrown as {@link EhrUnavailableException} (tried again
     * later). 409: a concurrent conditional write of the same resource (two sessions of one
     * series, say) made the EHR refuse one of them; a retry finds the resource and updates it.
     */
    HttpResponse<String> send(HttpRequest.Builder request, EhrAnswers answers) {
        HttpResponse<String> response = answer(request);
        int status = response.statusCode();
        if (status >= 500 || status == 408 || status == 409) {
            throw new EhrUnavailableException("EHR answered " + status + answers.summary(response),
                    EhrAnswers.retryAfter(response).orElse(null));
        }
        return response;
    }

    /**
     * The EHR's answer, whatever its status. A 401 to an access token gets one new token and one
     * more try of this request (issue 13); a second 401 (or a 403) is the caller's to answer.
     *
     * @throws NotSentException when no connection could be made (the request certainly did not reach the EHR)
     * @throws EhrUnavailableException when it may have reached the EHR but no answer came
     */
    HttpResponse<String> answer(HttpRequest.Builder request) {
        String sentWith = authorize(request);
        HttpResponse<String> response = exchange(request);
        if (response.statusCode() == 401 && sentWith != null && authorization.rejected(sentWith)) {
            authorize(request);
            response = exchange(request);
        }
        return response;
    }

    /** Sets the request's Authorization header (throws EhrTokenUnavailableException when no token can be had). */
    private String authorize(HttpRequest.Builder request) {
        Optional<String> header = authorization.header();
        header.ifPresent(h -> request.setHeader("Authorization", h));
        return header.orElse(null);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) {
        try {
            pacer.awaitTurn();
            return timed(request.build());
        } catch (HttpConnectTimeoutException e) {
            // No connection, so the request was certainly not sent (create-update relies on it).
            throw new NotSentException("EHR did not answer within " + ehr.requestTimeout().toMillis() + " ms");
        } catch (ConnectException e) {
            throw new NotSentException("EHR connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (HttpTimeoutException e) {
            throw new EhrUnavailableException("EHR did not answer within " + ehr.requestTimeout().toMillis() + " ms", null);
        } catch (IOException e) {
            throw new EhrUnavailableException("EHR connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EhrUnavailableException("interrupted while writing to the EHR", null);
        }
    }

    /** The request, its time told to the observer (from sending to the answer, not the pace's wait before it). */
    private HttpResponse<String> timed(HttpRequest request) throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            observer.answered(clinicId, response.statusCode(), Duration.ofNanos(System.nanoTime() - start));
            return response;
        } catch (IOException e) {
            observer.unanswered(clinicId, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }
}
