package org.ketabridge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Which requests the access audit reads the form of (FHIR searches by POST, however HAPI would
 * still take them to be one; nothing else), and what it then records and hands on.
 */
class SearchFormRequestTest {

    private static MockHttpServletRequest post(String uri, String contentType, String query, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", uri);
        request.setContentType(contentType);
        request.setQueryString(query);
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            "POST | /fhir/Patient/_search       | application/x-www-form-urlencoded                | true",
            "POST | /fhir/_search               | application/x-www-form-urlencoded                | true",
            "POST | /fhir/Patient/_search       | application/x-www-form-urlencoded; charset=UTF-8 | true",
            "POST | /fhir/Patient/_search       | Application/X-WWW-Form-Urlencoded                | true",
            "POST | /fhir/Patient/%5Fsearch/    | application/x-www-form-urlencoded                | true",
            "POST | /fhir/Patient/_search       | application/fhir+json                            | false",
            "POST | /fhir/Patient               | application/x-www-form-urlencoded                | false",
            "POST | /fhir/Patient/kb-1/_search  | application/x-www-form-urlencoded                | false",
            "POST | /fhir/$export               | application/x-www-form-urlencoded                | false",
            "POST | /api/v1/clinics/gamma/patients | application/x-www-form-urlencoded             | false",
            "GET  | /fhir/Patient/_search       | application/x-www-form-urlencoded                | false"})
    void onlyASearchByPostWithAFormIsRead(String method, String uri, String contentType, boolean read) {
        MockHttpServletRequest request = post(uri, contentType, null, "identifier=x");
        request.setMethod(method);
        assertThat(SearchFormRequest.isSearchForm(request)).isEqualTo(read);
    }

    @Test
    void aCompressedFormIsLeftAlone() {
        MockHttpServletRequest request = post("/fhir/Patient/_search", "application/x-www-form-urlencoded", null, "identifier=x");
        request.addHeader("Content-Encoding", "gzip");
        assertThat(SearchFormRequest.isSearchForm(request)).isFalse();
    }

    @Test
    void theSearchIsRecordedAsItsGetAndTheFormIsStillThereForHapi() throws Exception {
        String form = "identifier=urn%3Aketabridge%3Agamma%2Fmrn%7CM-1&_include=MedicationAdministration:subject";
        SearchFormRequest request = SearchFormRequest.read(post("/fhir/MedicationAdministration/_search",
                "application/x-www-form-urlencoded", "_count=5", form), 1024).orElseThrow();

        assertThat(request.searchedQuery()).isEqualTo("_count=5&" + form);
        assertThat(request.getParameterMap()).containsOnlyKeys("_count", "identifier", "_include");
        assertThat(request.getParameter("identifier")).isEqualTo("urn:ketabridge:gamma/mrn|M-1");
        assertThat(request.getParameterValues("_count")).containsExactly("5");
        assertThat(request.getInputStream().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo(form);
    }

    @Test
    void aFormAloneOrAQueryAloneIsTheQuery() throws Exception {
        assertThat(SearchFormRequest.read(post("/fhir/Patient/_search", "application/x-www-form-urlencoded", null, "name=x"), 1024)
                .orElseThrow().searchedQuery()).isEqualTo("name=x");
        assertThat(SearchFormRequest.read(post("/fhir/Patient/_search", "application/x-www-form-urlencoded", "name=x", ""), 1024)
                .orElseThrow().searchedQuery()).isEqualTo("name=x");
    }

    @Test
    void aFormLongerThanTheLimitIsNotTaken() throws Exception {
        assertThat(SearchFormRequest.read(post("/fhir/Patient/_search", "application/x-www-form-urlencoded", null, "name=" + "x".repeat(20)),
                20)).isEmpty();
    }
}
