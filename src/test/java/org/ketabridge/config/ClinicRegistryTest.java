package org.ketabridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketabridge.support.TestClinics;

/**
 * Clinics come from configuration; every mistake stops start-up with a message naming the
 * clinic and the property, all mistakes at once. Properties are bound exactly as Spring Boot
 * binds application.yaml, so the names tested are the names operators write.
 */
class ClinicRegistryTest {

    private static ClinicRegistry registry(Map<String, String> properties, Map<String, String> env) {
        return new ClinicRegistry(TestClinics.properties(properties), env::get);
    }

    private static Map<String, String> props(String... keysAndValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static List<String> problems(Map<String, String> properties) {
        return problems(properties, Map.of());
    }

    private static List<String> problems(Map<String, String> properties, Map<String, String> env) {
        try {
            registry(properties, env);
        } catch (InvalidClinicConfigurationException e) {
            return e.problems();
        }
        throw new AssertionError("expected start-up to stop");
    }

    @Test
    void aWellConfiguredClinicIsReadyWithItsDefaults() {
        ClinicRegistry clinics = registry(Map.of(
                "bridge.clinics[0].id", "north",
                "bridge.clinics[0].time-zone", "America/Denver",
                "bridge.clinics[0].ehr.type", "fhir",
                "bridge.clinics[0].ehr.base-url", "https://ehr.example.org/fhir/R4/"), Map.of());
        Clinic north = clinics.find("north").orElseThrow();
        assertThat(north.identifierSystem("mrn")).isEqualTo("urn:ketabridge:north/mrn");
        assertThat(north.ehr().baseUrl()).hasToString("https://ehr.example.org/fhir/R4");
        assertThat(north.ehr().writeMode()).isEqualTo(WriteMode.TRANSACTION);
        assertThat(north.ehr().authorizationHeader()).isEmpty();
        assertThat(north.name()).isEqualTo("north");
    }

    @Test
    void anUnknownEhrTypeNamesTheClinicAndProperty() {
        assertThat(problems(Map.of(
                "bridge.clinics[0].id", "north",
                "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "epic")))
                .containsExactly("bridge.clinics[0] (id 'north'): ehr.type: unknown EHR type 'epic'; expected fhir, hl7v2 or none");
    }

    @Test
    void aMissingBaseUrlABadTimeZoneAndABadWriteModeAreAllReported() {
        assertThat(problems(Map.of(
                "bridge.clinics[0].id", "south",
                "bridge.clinics[0].time-zone", "Mars/Olympus",
                "bridge.clinics[0].ehr.type", "fhir",
                "bridge.clinics[0].ehr.write-mode", "batch")))
                .containsExactlyInAnyOrder(
                        "bridge.clinics[0] (id 'south'): time-zone: 'Mars/Olympus' is not an IANA time zone",
                        "bridge.clinics[0] (id 'south'): ehr.base-url: required when ehr.type is fhir",
                        "bridge.clinics[0] (id 'south'): ehr.write-mode: unknown write mode 'batch'; expected transaction, per-resource or auto");
    }

    @Test
    void aDuplicateClinicIdIsRefused() {
        assertThat(problems(Map.of(
                "bridge.clinics[0].id", "east", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[1].id", "east", "bridge.clinics[1].time-zone", "UTC", "bridge.clinics[1].ehr.type", "none")))
                .containsExactly("bridge.clinics[1] (id 'east'): id: duplicate clinic id 'east' (also used by an earlier clinic)");
    }

    /**
     * A clinic named DEFAULT would write into, and its auditors read, HAPI's default partition (the
     * admins' audit trail); one named kb-no-clinic would fill the partition that tokens covering no
     * clinic read. Before, both started.
     */
    @Test
    void clinicIdsWhosePartitionTheStoreKeepsForSomethingElseAreRefused() {
        assertThat(problems(Map.of(
                "bridge.clinics[0].id", "DEFAULT", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[1].id", "kb-no-clinic", "bridge.clinics[1].time-zone", "UTC", "bridge.clinics[1].ehr.type", "none")))
                .containsExactly(
                        "bridge.clinics[0] (id 'DEFAULT'): id: 'DEFAULT' is reserved (its auditors' store partition, 'DEFAULT',"
                                + " is one of [DEFAULT, kb-no-clinic]); choose another id",
                        "bridge.clinics[1] (id 'kb-no-clinic'): id: 'kb-no-clinic' is reserved (its auditors' store partition,"
                                + " 'kb-no-clinic', is one of [DEFAULT, kb-no-clinic]); choose another id");
        // Every other id the contract allows is a clinic, those whose partition name is derived included.
        ClinicRegistry clinics = registry(Map.of(
                "bridge.clinics[0].id", "lakeview.infusion", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[1].id", "default", "bridge.clinics[1].time-zone", "UTC", "bridge.clinics[1].ehr.type", "none",
                "bridge.clinics[2].id", "kb.no.clinic", "bridge.clinics[2].time-zone", "UTC", "bridge.clinics[2].ehr.type", "none"),
                Map.of());
        assertThat(clinics.all()).hasSize(3);
    }

    @Test
    void aMissingTimeZoneIsRefusedRatherThanAssumed() {
        assertThat(problems(Map.of("bridge.clinics[0].id", "west", "bridge.clinics[0].ehr.type", "none")))
                .containsExactly("bridge.clinics[0] (id 'west'): time-zone: required (an IANA zone such as America/Denver)");
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFileNeverFromTheClinicsFile(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "file-token\n");
        ClinicRegistry clinics = registry(props(
                "bridge.clinics[0].id", "a", "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "fhir", "bridge.clinics[0].ehr.base-url", "http://ehr.local/fhir",
                "bridge.clinics[0].ehr.auth", "basic", "bridge.clinics[0].ehr.username", "bridge",
                "bridge.clinics[0].ehr.password-env", "A_PASSWORD",
                "bridge.clinics[1].id", "b", "bridge.clinics[1].time-zone", "UTC",
                "bridge.clinics[1].ehr.type", "fhir", "bridge.clinics[1].ehr.base-url", "http://ehr.local/fhir",
                "bridge.clinics[1].ehr.auth", "bearer", "bridge.clinics[1].ehr.token-file", tokenFile.toString()),
                Map.of("A_PASSWORD", "s3cret"));
        assertThat(clinics.find("a").orElseThrow().ehr().authorizationHeader()).contains("Basic YnJpZGdlOnMzY3JldA==");
        assertThat(clinics.find("b").orElseThrow().ehr().authorizationHeader()).contains("Bearer file-token");
        assertThat(clinics.find("b").orElseThrow().ehr().toString()).doesNotContain("file-token");
    }

    @Test
    void anUnsetSecretVariableStopsStartUp() {
        assertThat(problems(Map.of(
                "bridge.clinics[0].id", "a", "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "fhir", "bridge.clinics[0].ehr.base-url", "http://ehr.local/fhir",
                "bridge.clinics[0].ehr.auth", "bearer", "bridge.clinics[0].ehr.token-env", "NOT_SET_ANYWHERE")))
                .containsExactly("bridge.clinics[0] (id 'a'): ehr.token-env: environment variable 'NOT_SET_ANYWHERE' is not set");
    }

    @Test
    void anHl7v2EhrIsItsMllpListener() {
        Clinic h = registry(props("bridge.clinics[0].id", "h", "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].hl7-facility", "NORTH_KETAMINE",
                "bridge.clinics[0].ehr.type", "hl7v2", "bridge.clinics[0].ehr.host", "ehr.example.org",
                "bridge.clinics[0].ehr.port", "2575", "bridge.clinics[0].ehr.tls", "true"), Map.of()).find("h").orElseThrow();
        assertThat(h.ehr().type()).isEqualTo(EhrType.HL7V2);
        assertThat(h.ehr().mllp()).isEqualTo(new MllpEndpoint("ehr.example.org", 2575, true));
        assertThat(h.hl7Facility()).contains("NORTH_KETAMINE");
    }

    @Test
    void anHl7v2EhrWithoutHostOrPortOrWithCredentialsIsRefused() {
        assertThat(problems(Map.of("bridge.clinics[0].id", "h", "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "hl7v2", "bridge.clinics[0].ehr.port", "70000",
                "bridge.clinics[0].ehr.auth", "bearer")))
                .containsExactlyInAnyOrder(
                        "bridge.clinics[0] (id 'h'): ehr.host: required when ehr.type is hl7v2 (the EHR's MLLP listener)",
                        "bridge.clinics[0] (id 'h'): ehr.port: required when ehr.type is hl7v2: a TCP port from 1 to 65535",
                        "bridge.clinics[0] (id 'h'): ehr.auth: must be none for hl7v2: MLLP carries no credentials (use ehr.tls and the network)");
    }

    @Test
    void anHl7FacilityNamesOneClinicAndHoldsNoHl7Delimiter() {
        assertThat(problems(props(
                "bridge.clinics[0].id", "a", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[0].hl7-facility", "NORTH",
                "bridge.clinics[1].id", "b", "bridge.clinics[1].time-zone", "UTC", "bridge.clinics[1].ehr.type", "none",
                "bridge.clinics[1].hl7-facility", "NORTH",
                "bridge.clinics[2].id", "c", "bridge.clinics[2].time-zone", "UTC", "bridge.clinics[2].ehr.type", "none",
                "bridge.clinics[2].hl7-facility", "NO^RTH")))
                .containsExactlyInAnyOrder(
                        "bridge.clinics[1] (id 'b'): hl7-facility: 'NORTH' also names an earlier clinic; MSH-4 must name one clinic",
                        "bridge.clinics[2] (id 'c'): hl7-facility: must be 1 to 20 printable ASCII characters without | ^ ~ \\ &"
                                + " and without leading or trailing blanks (MSH-4 as the clinic's HL7 v2 systems send it)");
    }

    @Test
    void hl7SendersAreLiteralAddressesAndCertificateSubjectsOfAClinicWithAFacility() {
        Clinic lake = registry(props(
                "bridge.clinics[0].id", "lake", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[0].hl7-facility", "LAKE",
                "bridge.clinics[0].hl7-senders.addresses[0]", "10.20.0.0/24",
                "bridge.clinics[0].hl7-senders.addresses[1]", "fd00::5",
                "bridge.clinics[0].hl7-senders.certificates[0]", "CN=engine.lake.example.org, O=Lake Clinic"), Map.of())
                .find("lake").orElseThrow();
        assertThat(lake.hl7Senders().addresses()).containsExactly("10.20.0.0/24", "fd00::5");
        assertThat(lake.hl7Senders().certificates()).hasSize(1);

        assertThat(problems(props(
                "bridge.clinics[0].id", "a", "bridge.clinics[0].time-zone", "UTC", "bridge.clinics[0].ehr.type", "none",
                "bridge.clinics[0].hl7-facility", "A",
                "bridge.clinics[0].hl7-senders.addresses[0]", "engine.lake.example.org",
                "bridge.clinics[0].hl7-senders.addresses[1]", "10.1",
                "bridge.clinics[0].hl7-senders.addresses[2]", "300.1.1.1",
                "bridge.clinics[0].hl7-senders.addresses[3]", "10.0.0.0/33",
                "bridge.clinics[0].hl7-senders.certificates[0]", "not a name",
                "bridge.clinics[1].id", "b", "bridge.clinics[1].time-zone", "UTC", "bridge.clinics[1].ehr.type", "none",
                "bridge.clinics[1].hl7-senders.addresses[0]", "10.0.0.1")))
                .containsExactlyInAnyOrder(
                        "bridge.clinics[0] (id 'a'): hl7-senders.addresses: 'engine.lake.example.org' is not an IP address or a"
                                + " CIDR range (e.g. 10.20.0.5, 10.20.0.0/24, fd00::/8); host names are not taken",
                        "bridge.clinics[0] (id 'a'): hl7-senders.addresses: '10.1' is not an IP address or a CIDR range"
                                + " (e.g. 10.20.0.5, 10.20.0.0/24, fd00::/8); host names are not taken",
                        "bridge.clinics[0] (id 'a'): hl7-senders.addresses: '300.1.1.1' is not an IP address or a CIDR range"
                                + " (e.g. 10.20.0.5, 10.20.0.0/24, fd00::/8); host names are not taken",
                        "bridge.clinics[0] (id 'a'): hl7-senders.addresses: '10.0.0.0/33' is not an IP address or a CIDR range"
                                + " (e.g. 10.20.0.5, 10.20.0.0/24, fd00::/8); host names are not taken",
                        "bridge.clinics[0] (id 'a'): hl7-senders.certificates: 'not a name' is not a certificate subject"
                                + " (an X.500 name, e.g. CN=engine.lake.example.org, O=Lake Clinic)",
                        "bridge.clinics[1] (id 'b'): hl7-senders: is set without hl7-facility: no HL7 v2 message names this clinic");
    }

    @Test
    void theBridgeDoesNotStartWithABadClinicAndSaysWhy() {
        org.springframework.boot.SpringApplication app =
                new org.springframework.boot.SpringApplication(org.ketabridge.KetaBridgeApplication.class);
        assertThatThrownBy(() -> app.run("--server.port=0", "--spring.datasource.url=jdbc:h2:mem:badconfig;DB_CLOSE_DELAY=-1",
                "--bridge.clinics[0].id=north", "--bridge.clinics[0].time-zone=UTC", "--bridge.clinics[0].ehr.type=fhir").close())
                .hasRootCauseInstanceOf(InvalidClinicConfigurationException.class)
                .rootCause().hasMessageContaining("bridge.clinics[0] (id 'north'): ehr.base-url: required");
    }

    @Test
    void aCsvInboxIsCreatedWhenMissingAndRefusedWhenItCannotBe(@TempDir Path dir) throws Exception {
        Path inbox = dir.resolve("drops/north");
        Clinic north = registry(storeOnly("north", inbox.toString()), Map.of()).find("north").orElseThrow();
        assertThat(north.inbox()).contains(inbox.toAbsolutePath().normalize());
        assertThat(inbox).isDirectory();

        Path aFile = Files.writeString(dir.resolve("a-file"), "not a folder");
        assertThat(problems(storeOnly("south", aFile.toString())))
                .containsExactly("bridge.clinics[0] (id 'south'): inbox: '" + aFile + "' is not a folder and cannot be created");
        assertThat(registry(storeOnly("west", null), Map.of()).find("west").orElseThrow().inbox()).isEmpty();
    }

    @Test
    void twoClinicsSharingAnInboxOrOneInsideAnothersStopStartUpNamingBoth(@TempDir Path dir) {
        Path north = dir.resolve("north").toAbsolutePath().normalize();
        Map<String, String> shared = twoClinics(north.toString(), north.toString());
        assertThat(problems(shared)).containsExactly("bridge.clinics[1] (id 'south'): inbox: '" + north
                + "' is also the inbox of clinic 'north' ('" + north + "'); each clinic needs a folder of its own"
                + " (a file would be read as the wrong clinic's records)");
        Path nested = north.resolve("south");
        assertThat(problems(twoClinics(north.toString(), nested.toString()))).singleElement().asString()
                .startsWith("bridge.clinics[1] (id 'south'): inbox: '" + nested + "' is inside, or holds, the inbox of clinic 'north'");
        assertThat(problems(twoClinics(nested.toString(), north.toString()))).hasSize(1);
        // Folders side by side are fine, even when one's name starts with the other's.
        assertThat(registry(twoClinics(north.toString(), north + "-south"), Map.of()).all()).hasSize(2);
    }

    private static Map<String, String> twoClinics(String northInbox, String southInbox) {
        Map<String, String> p = storeOnly("north", northInbox);
        p.putAll(props("bridge.clinics[1].id", "south", "bridge.clinics[1].time-zone", "UTC",
                "bridge.clinics[1].ehr.type", "none", "bridge.clinics[1].inbox", southInbox));
        return p;
    }

    private static Map<String, String> storeOnly(String id, String inbox) {
        Map<String, String> p = props("bridge.clinics[0].id", id, "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "none");
        if (inbox != null) {
            p.put("bridge.clinics[0].inbox", inbox);
        }
        return p;
    }

    /** Alerts (issue 17): the webhook is optional; a wrong one stops start-up without quoting it (it may hold a secret). */
    @Test
    void anAlertWebhookIsAnAbsoluteHttpUrlAndAWrongOneIsNotQuoted() {
        Map<String, String> clinic = props("bridge.clinics[0].id", "north", "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "none");
        assertThat(registry(clinic, Map.of()).find("north").orElseThrow().alertWebhook()).isEmpty();
        clinic.put("bridge.clinics[0].alerts.webhook-url", "https://alerts.example.org/hooks/T0K3N");
        assertThat(registry(clinic, Map.of()).find("north").orElseThrow().alertWebhook())
                .hasValueSatisfying(webhook -> {
                    assertThat(webhook.url()).hasToString("https://alerts.example.org/hooks/T0K3N");
                    assertThat(webhook.secret()).isEmpty();
                    assertThat(webhook.toString()).doesNotContain("T0K3N");
                });
        for (String wrong : List.of("alerts.example.org/hooks/S3CRET", "ftp://alerts.example.org/S3CRET",
                "https://user:S3CRET@alerts.example.org/", "https:///S3CRET", "https://alerts example/S3CRET")) {
            clinic.put("bridge.clinics[0].alerts.webhook-url", wrong);
            assertThat(problems(clinic)).as(wrong).containsExactly("bridge.clinics[0] (id 'north'): alerts.webhook-url: must be"
                    + " an absolute http or https URL with a host and without user info (e.g. https://alerts.example.org/hooks/ketabridge)");
        }
    }

    /** A webhook's signing secret comes from the environment or a file, is at least 32 characters, and needs a webhook. */
    @Test
    void anAlertWebhookSecretIsLongEnoughAndNeverQuoted() {
        Map<String, String> clinic = props("bridge.clinics[0].id", "north", "bridge.clinics[0].time-zone", "UTC",
                "bridge.clinics[0].ehr.type", "none", "bridge.clinics[0].alerts.webhook-url", "https://alerts.example.org/hooks/north",
                "bridge.clinics[0].alerts.webhook-secret-env", "NORTH_HOOK");
        String secret = "0123456789abcdef0123456789abcdef";
        assertThat(registry(clinic, Map.of("NORTH_HOOK", secret)).find("north").orElseThrow().alertWebhook())
                .hasValueSatisfying(webhook -> {
                    assertThat(webhook.secret()).contains(secret);
                    assertThat(webhook.toString()).doesNotContain(secret).contains("signed");
                });
        assertThat(problems(clinic, Map.of("NORTH_HOOK", "short-S3CRET"))).containsExactly("bridge.clinics[0] (id 'north'):"
                + " alerts.webhook-secret-env: the secret must be at least 32 characters (e.g. `openssl rand -hex 32`)");
        assertThat(problems(clinic, Map.of())).containsExactly("bridge.clinics[0] (id 'north'): alerts.webhook-secret-env:"
                + " environment variable 'NORTH_HOOK' is not set");
        clinic.remove("bridge.clinics[0].alerts.webhook-url");
        assertThat(problems(clinic, Map.of("NORTH_HOOK", secret))).containsExactly("bridge.clinics[0] (id 'north'):"
                + " alerts.webhook-secret-env: a webhook secret is named without alerts.webhook-url: there is nothing to sign");
    }
}
