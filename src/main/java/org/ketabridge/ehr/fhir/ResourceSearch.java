package org.ketabridge.ehr.fhir;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.ketabridge.ehr.EhrUnavailableException;
import org.ketabridge.ehr.WriteResult;

/**
 * A search of a clinic's EHR, its answer read the one way: {@code GET [base]/Type?identifier=system|value&_count=2}
 * (the resources of one type the EHR holds with one identifier; two are enough to tell none, one and
 * several apart), or any other query ({@link #get}: a lost create's search by patient, code and date). Used where the bridge must
 * know what the EHR holds before it acts: a create whose answer was lost ({@link CreateUpdateWriter}),
 * the EHR's own patient ({@link PatientMatcher}). Its answers are taken as every request's: 429
 * throttles, 5xx/408/409 and no answer are tried again later ({@link EhrExchange#send}), 401/403 hold
 * the clinic, another refusal ends the record's write.
 */
final class ResourceSearch {

    /**
     * What the EHR answered: the resources of the type it returned, and how many it holds ({@code count}:
     * those returned, or the total it states when larger); or the answer that ends the write ({@code stop}).
     */
    record Found(List<Resource> matches, int count, boolean more, WriteResult stop) {

        static Found stopped(WriteResult stop) {
            return new Found(List.of(), 0, false, stop);
        }
    }

    private final EhrExchange exchange;
    private final EhrAnswers answers;

    ResourceSearch(EhrExchange exchange, EhrAnswers answers) {
        this.exchange = exchange;
        this.answers = answers;
    }

    /**
     * {@code Type?identifier=system%7Cvalue}: the token URL-encoded whole ({@code :}, {@code /} and the
     * {@code |} between system and value escaped; {@code .}, {@code _} and {@code -} are left as they are).
     */
    static String query(String type, String system, String value) {
        return type + "?identifier=" + URLEncoder.encode(system + "|" + value, StandardCharsets.UTF_8);
    }

    Found search(String type, String system, String value) {
        return get(query(type, system, value) + "&_count=2", type, "the search for a " + type + " by identifier");
    }

    /**
     * {@code GET [base]/query}: the resources of the type it matched (included ones and
     * OperationOutcomes left out), how many the EHR holds ({@code count}: those returned, or the
     * total it states when larger), and whether it has a next page ({@code more}).
     *
     * @param what the search, in words for a refusal: {@code the search for a Observation by identifier}
     */
    Found get(String query, String type, String what) {
        HttpResponse<String> response = exchange.send(exchange.request(exchange.at(query)).GET(), answers);
        if (response.statusCode() == 429) {
            return Found.stopped(WriteResult.throttled(EhrAnswers.retryAfter(response).orElse(null)));
        }
        if (!EhrAnswers.isSuccess(response.statusCode())) {
            return Found.stopped(answers.refused(response, what));
        }
        Bundle bundle = answers.parse(response, Bundle.class);
        if (bundle == null) {
            throw new EhrUnavailableException("EHR answered " + what + " with no Bundle", null);
        }
        List<Resource> matches = bundle.getEntry().stream()
                .filter(e -> !e.hasSearch() || e.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE)
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(m -> m != null && type.equals(m.fhirType())).toList();
        return new Found(matches, Math.max(matches.size(), bundle.hasTotal() ? bundle.getTotal() : 0),
                bundle.getLink(Bundle.LINK_NEXT) != null, null);
    }
}
