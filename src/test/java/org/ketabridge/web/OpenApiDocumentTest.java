package org.ketabridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.ketabridge.support.BridgeTestSupport;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The API document clinic IT reads at /api/docs: generated from the routes' REST DSL, it lists
 * exactly the REST endpoints the running bridge has (read from the CamelContext, not from a list
 * here), declares every path parameter, and the bearer token the bridge checks. The page and the
 * document answer without a token, and the page's assets are served by the bridge itself.
 */
class OpenApiDocumentTest extends BridgeTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    @Autowired
    private CamelContext camel;

    @Test
    void theDocumentListsExactlyTheRestEndpointsOfTheRoutes() throws Exception {
        JsonNode document = document();

        Set<String> documented = new TreeSet<>();
        operations(document).forEach(o -> documented.add(o.method() + " " + o.path()));

        assertThat(restEndpoints()).as("the REST DSL's endpoints").isNotEmpty();
        assertThat(documented).isEqualTo(restEndpoints());
    }

    @Test
    void everyPathParameterIsDeclaredRequiredAndDescribed() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Operation o : operations(document())) {
            Set<String> inPath = new HashSet<>();
            Matcher m = PATH_PARAM.matcher(o.path());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            Set<String> declared = new HashSet<>();
            for (JsonNode p : o.node().path("parameters")) {
                if (p.path("in").asText().equals("path")) {
                    declared.add(p.path("name").asText());
                    soft.assertThat(p.path("required").asBoolean()).as(o + ": " + p.path("name") + " required").isTrue();
                    soft.assertThat(p.path("description").asText()).as(o + ": " + p.path("name") + " described").isNotBlank();
                }
            }
            soft.assertThat(declared).as(o + ": path parameters").isEqualTo(inPath);
        }
        soft.assertAll();
    }

    @Test
    void theClinicsApiNamesTheBearerTokenAndItsRefusals() throws Exception {
        JsonNode document = document();
        JsonNode schemes = document.path("components").path("securitySchemes");
        assertThat(schemes.size()).as("security schemes").isEqualTo(1);
        String scheme = schemes.fieldNames().next();
        assertThat(schemes.path(scheme).path("type").asText()).isEqualTo("http");
        assertThat(schemes.path(scheme).path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path(scheme).path("bearerFormat").asText()).isEqualTo("JWT");

        SoftAssertions soft = new SoftAssertions();
        for (Operation o : operations(document)) {
            Set<String> required = new HashSet<>();
            o.node().path("security").forEach(s -> s.fieldNames().forEachRemaining(required::add));
            if (o.path().startsWith("/api/v1/clinics/")) {
                soft.assertThat(required).as(o + ": security").containsExactly(scheme);
                soft.assertThat(o.node().path("responses").has("401")).as(o + ": 401 documented").isTrue();
                soft.assertThat(o.node().path("responses").has("403")).as(o + ": 403 documented").isTrue();
                soft.assertThat(o.node().path("responses").has("404")).as(o + ": 404 documented").isTrue();
            } else {
                soft.assertThat(required).as(o + ": needs no token").isEmpty();
            }
            soft.assertThat(o.node().path("summary").asText()).as(o + ": summary").isNotBlank();
            soft.assertThat(o.node().path("tags").size()).as(o + ": one tag").isEqualTo(1);
        }
        soft.assertAll();
    }

    @Test
    void recordsInDocumentTheirBodiesAndEveryAnswer() throws Exception {
        JsonNode intake = document().path("paths").path("/api/v1/clinics/{clinicId}/{kind}").path("post");

        List<String> kinds = new ArrayList<>();
        for (JsonNode p : intake.path("parameters")) {
            if (p.path("name").asText().equals("kind")) {
                p.path("schema").path("enum").forEach(k -> kinds.add(k.asText()));
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("patients", "encounters", "doses", "scores");
        JsonNode content = intake.path("requestBody").path("content");
        assertThat(content.has("application/json") && content.has("application/x-ndjson")).as(content.toString()).isTrue();
        JSON.readTree(content.path("application/json").path("example").asText());
        for (String line : content.path("application/x-ndjson").path("example").asText().split("\n")) {
            assertThat(JSON.readTree(line).isObject()).as("an NDJSON line of the example").isTrue();
        }
        Set<String> codes = new TreeSet<>();
        intake.path("responses").fieldNames().forEachRemaining(codes::add);
        assertThat(codes).contains("202", "422", "400", "401", "403", "404", "413", "415");
        assertThat(tagsUsed(document())).containsExactlyInAnyOrder("intake", "receipts", "sync", "dead letters", "EHR", "REMS forms");
    }

    @Test
    void theYamlDocumentIsTheSameDocument() throws Exception {
        HttpResponse<String> yaml = get("/api/v1/openapi.yaml");
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type").orElse("")).contains("yaml");
        assertThat(new YAMLMapper().readTree(yaml.body())).isEqualTo(document());
    }

    /** "Try it out" calls the bridge the page came from: never a host name the bridge guessed. */
    @Test
    void theServerIsTheBridgeAsTheCallerReachedIt() throws Exception {
        // Relative (Camel writes the root path as ""): the page's origin, wherever the bridge is.
        assertThat(document().path("servers").get(0).path("url").asText()).isEmpty();

        HttpResponse<String> behindProxy = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/openapi.json"))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "bridge.example.org")
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(behindProxy.body()).path("servers").get(0).path("url").asText())
                .isEqualTo("https://bridge.example.org");
    }

    @Test
    void theApiPageIsServedWithItsAssetsAndLoadsTheDocument() throws Exception {
        HttpResponse<String> page = get(ApiDocsPage.PATH);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page.body());
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).as("the page's scripts and styles, all from the bridge")
                .anyMatch(a -> a.endsWith("swagger-ui-bundle.js")).anyMatch(a -> a.endsWith("swagger-ui.css"));
        StringBuilder scripts = new StringBuilder();
        for (String asset : assets) {
            HttpResponse<String> answer = get(asset);
            assertThat(answer.statusCode()).as(asset).isEqualTo(200);
            assertThat(answer.body()).as(asset).isNotBlank();
            String type = answer.headers().firstValue("Content-Type").orElse("");
            assertThat(type).as(asset).contains(asset.endsWith(".css") ? "text/css" : "javascript");
            if (asset.endsWith(".js")) {
                scripts.append(answer.body());
            }
        }
        assertThat(scripts).as("the page loads the bridge's own document").contains("'/api/v1/openapi.json'");
    }

    /** The served JSON document, fetched without a token. */
    private JsonNode document() throws Exception {
        HttpResponse<String> response = get("/api/v1/openapi.json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** "METHOD /path" of every verb of every REST definition in the running CamelContext. */
    private Set<String> restEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        for (RestDefinition rest : camel.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                endpoints.add(verb.asVerb().toUpperCase(Locale.ROOT) + " " + join(rest.getPath(), verb.getPath()));
            }
        }
        return endpoints;
    }

    private static String join(String base, String path) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return path == null || path.isEmpty() ? b : b + (path.startsWith("/") ? path : "/" + path);
    }

    record Operation(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> {
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey(), path.getValue().get(method)));
                }
            }
        });
        return operations;
    }

    private static Set<String> tagsUsed(JsonNode document) {
        Set<String> tags = new HashSet<>();
        operations(document).forEach(o -> o.node().path("tags").forEach(t -> tags.add(t.asText())));
        return tags;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
