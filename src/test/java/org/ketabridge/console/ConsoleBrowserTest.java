package org.ketabridge.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketabridge.support.TestRecords.dose;
import static org.ketabridge.support.TestRecords.encounter;
import static org.ketabridge.support.TestRecords.patient;
import static org.ketabridge.support.TestRecords.prefix;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketabridge.operations.EhrStates;
import org.ketabridge.security.Role;
import org.ketabridge.support.BridgeTestSupport;
import org.ketabridge.support.FakeEhr;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The web console in a real headless browser (Debian's Chromium through its chromedriver), against
 * the whole bridge on a random port with its H2 database ({@link Chromium}); the EHRs are BridgeTestSupport's
 * WireMock ones, scripted to fail only where a dead letter is needed. One browser for the class
 * (CPU is scarce); each test signs in afresh. Without Chromium these tests fail: CI installs it.
 */
class ConsoleBrowserTest extends BridgeTestSupport {

    private static final Duration SYNCED = Duration.ofSeconds(60);
    /** A request's audit row is written once its answer is complete, which the browser or client may see first. */
    private static final Duration AUDITED = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KAPPA_ENCOUNTER = "urn:ketabridge:kappa/encounter";

    private static WebDriver browser;

    @Autowired
    private EhrStates ehrStates;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.get(url("/console/sign-in"));
        browser.manage().deleteAllCookies();
    }

    @Test
    void signsInByLinkAndSeesTheClinicsStateAfterRecordsWereSent() {
        String mrn = prefix() + "-M";
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("alpha", "PATIENT", mrn)));

        signIn("clinic-it", "alpha");
        assertThat(browser.getCurrentUrl()).as("the token has left the address bar").isEqualTo(url("/console"));
        assertThat(text("clinics")).contains("Alpha Clinic").doesNotContain("Beta Clinic");

        clickThrough(browser.findElement(By.linkText("Alpha Clinic")));
        int sent = Integer.parseInt(browser.findElement(By.cssSelector("#counts tr[data-state=sent] td")).getText());
        assertThat(sent).isGreaterThanOrEqualTo(1);
        assertThat(text("last-sent")).isNotEqualTo("none yet");
        // The state the bridge knows for alpha's EHR (other tests of this shared bridge may have
        // opened alpha's breaker on purpose): the page shows that state, in its own word.
        String known = ehrStates.of("alpha").word();
        browser.navigate().refresh();
        assertThat(text("ehr-state")).isIn(known, ehrStates.of("alpha").word());
        assertThat(text("credentials")).isEqualTo("accepted");
        screenshotForTheReadme();

        // the check asks the EHR before its page comes: wait for that page, not for the click
        clickThrough(browser.findElement(By.id("ehr-check")));
        assertThat(text("check-steps")).as("the connection check ran and lists its steps").isNotBlank();
    }

    @Test
    void findsARefusedRecordsReasonInItsReceipt() throws Exception {
        String good = prefix() + "-M";
        String bad = prefix() + "-M";
        String batch = patient(good) + "\n" + patient(bad).replace("\"female\"", "\"sometimes\"") + "\n";
        HttpResponse<String> sent = httpPost("/api/v1/clinics/alpha/patients", "application/x-ndjson", batch);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String receiptId = JSON.readTree(sent.body()).path("receiptId").asText();

        signIn("clinic-it", "alpha");
        browser.get(url("/console/clinics/alpha/receipts"));
        clickThrough(browser.findElement(By.linkText(receiptId)));
        List<WebElement> cells = browser.findElements(By.cssSelector("#rejections tbody tr td"));
        assertThat(cells).extracting(WebElement::getText).as("line, record, field, reason")
                .hasSize(4).element(1).isEqualTo(bad);
        assertThat(cells.get(2).getText()).isEqualTo("sex");
        assertThat(cells.get(3).getText()).as("the reason").isNotBlank();
        assertThat(text("records")).contains(good);
    }

    @Test
    void replaysADeadLetterAndWatchesItBecomeSent() {
        String mrn = prefix() + "-M";
        ALPHA_EHR.stubFor(put(urlPathEqualTo("/fhir/Patient")).atPriority(1).withRequestBody(containing(mrn))
                .willReturn(aResponse().withStatus(422)));
        assertThat(httpPost("/api/v1/clinics/alpha/patients", "application/json", patient(mrn)).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "DEAD".equals(taskStatus("alpha", "PATIENT", mrn)));
        long task = jdbc.sql("select max(id) from sync_task where clinic_id = 'alpha' and record_id = ?").param(mrn)
                .query(Long.class).single();
        FakeEhr.reset(ALPHA_EHR);

        signIn("clinic-it", "alpha");
        browser.get(url("/console/clinics/alpha/dead-letters"));
        WebElement row = browser.findElement(By.cssSelector("#dead-letters tr[data-task='" + task + "']"));
        assertThat(row.getText()).contains(mrn).contains("422");
        clickThrough(row.findElement(By.className("replay")));
        assertThat(text("confirm-text")).contains(String.valueOf(task)).contains(mrn);
        clickThrough(browser.findElement(By.id("confirm-replay")));

        assertThat(browser.getCurrentUrl()).contains("/console/clinics/alpha/replays/");
        new WebDriverWait(browser, SYNCED).until(b -> b.findElement(By.id("replay-done")).isDisplayed());
        assertThat(text("replay-sent")).isEqualTo("1");
        assertThat(text("replay-total")).isEqualTo("1");
        assertThat(taskStatus("alpha", "PATIENT", mrn)).isEqualTo("SENT");
    }

    @Test
    void clinicItOfOneClinicSeesNothingOfAnotherAnywhere() throws Exception {
        String betaMrn = prefix() + "-M";
        HttpResponse<String> beta = httpPost("/api/v1/clinics/beta/patients", "application/json", patient(betaMrn));
        String betaReceipt = JSON.readTree(beta.body()).path("receiptId").asText();

        signIn("clinic-it", "alpha");
        assertThat(browser.getPageSource()).doesNotContain("Beta Clinic").doesNotContain("/console/clinics/beta");
        for (String page : List.of("/console/clinics/beta", "/console/clinics/beta/receipts",
                "/console/clinics/beta/receipts/" + betaReceipt, "/console/clinics/beta/dead-letters",
                "/console/clinics/beta/dead-letters/replay", "/console/clinics/beta/waiting",
                "/console/clinics/beta/uncertain", "/console/clinics/beta/not-accepted",
                "/console/clinics/no-such-clinic")) {
            browser.get(url(page));
            assertThat(browser.findElements(By.id("not-found"))).as(page).hasSize(1);
            assertThat(browser.getPageSource()).as(page).doesNotContain("Beta Clinic").doesNotContain(betaMrn)
                    .doesNotContain(betaReceipt);
        }
        // Alpha's own pages link nowhere near beta.
        for (String page : List.of("/console/clinics/alpha", "/console/clinics/alpha/receipts",
                "/console/clinics/alpha/dead-letters", "/console/clinics/alpha/waiting", "/console/clinics/alpha/uncertain",
                "/console/clinics/alpha/not-accepted")) {
            browser.get(url(page));
            assertThat(browser.getPageSource()).as(page).doesNotContain("/console/clinics/beta").doesNotContain(betaMrn)
                    .doesNotContain(betaReceipt);
        }
    }

    @Test
    void anAuditorSeesAPatientsTrajectoryTheControlledSubstanceRecordWithItsCsvAndTheRemsCounts() throws Exception {
        awaitAuditorsStore();
        AuditorRecords records = AuditorRecords.of(LocalDate.parse("2025-02-10"), "-05:00");
        records.sendTo("gamma", this::httpPost, jdbc);

        signIn("auditor", "gamma");
        assertThat(text("audit-clinics")).contains("Gamma Clinic").doesNotContain("Alpha Clinic");
        clickThrough(browser.findElement(By.cssSelector("#audit-clinics a[href='/console/clinics/gamma/patients']")));
        clickThrough(browser.findElement(By.linkText(records.mrn())));
        WebElement chart = browser.findElement(By.cssSelector("section.trajectory[data-instrument='PHQ-9'] svg.chart"));
        assertThat(chart.findElements(By.cssSelector(".marks .mark"))).extracting(m -> m.getAttribute("data-status"))
                .containsExactly("baseline", "no-response", "response", "remission");
        assertThat(chart.findElement(By.cssSelector(".threshold-remission text")).getAttribute("textContent")).isEqualTo("remission ≤ 4");
        assertThat(chart.findElement(By.cssSelector(".threshold-response text")).getAttribute("textContent")).isEqualTo("response ≤ 10");
        assertThat(browser.findElements(By.cssSelector("section.trajectory[data-instrument='PHQ-9'] table.scores tbody tr")))
                .extracting(row -> row.findElements(By.tagName("td")).get(2).getText() + " " + row.findElements(By.tagName("td")).get(3).getText())
                .containsExactly("20 baseline", "12 no-response", "9 response", "3 remission");
        assertThat(browser.getPageSource()).as("no name on an auditor's page").doesNotContain("Testperson");
        screenshot("console-trajectory.png");

        browser.get(url("/console/clinics/gamma/controlled-substances?start=2025-02-10&end=2025-02-12"));
        assertThat(browser.findElements(By.cssSelector("#administrations tbody tr[data-dose]")))
                .extracting(r -> r.getAttribute("data-dose"))
                .containsExactly(records.completeSession() + "-D", records.sessionWithout40Minutes() + "-D");
        HttpResponse<String> csv = asSignedIn(browser.findElement(By.id("csv")).getAttribute("href"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("clinic,effective,dose_id,patient_mrn,");
        assertThat(lines.get(1)).startsWith("gamma,2025-02-10T09:05:00-05:00," + records.completeSession() + "-D," + records.mrn() + ",")
                .as("a lot a spreadsheet would run, neutralised").contains(",'" + records.formulaLot() + ",");
        assertThat(lines.get(2)).startsWith("gamma,2025-02-11T09:05:00-05:00," + records.sessionWithout40Minutes() + "-D,");
        assertThat(lines.get(3)).as("then the totals per lot").isEmpty();

        browser.get(url("/console/clinics/gamma/rems-forms?start=2025-02-10&end=2025-02-12"));
        assertThat(text("rems-counts")).contains("Complete 1").contains("Incomplete 1").contains("Overdue (incomplete, past due) 1");
        WebElement incomplete = browser.findElement(By.cssSelector("#incomplete-forms tr[data-encounter='"
                + records.sessionWithout40Minutes() + "']"));
        assertThat(incomplete.getText()).contains("2025-02-18").contains("overdue").contains("no-blood-pressure-near-40-minutes");
        HttpResponse<String> remsCsv = asSignedIn(browser.findElement(By.id("csv")).getAttribute("href"));
        assertThat(remsCsv.statusCode()).isEqualTo(200);
        assertThat(remsCsv.body().lines().toList()).last().isEqualTo("gamma,2025-02-10,2025-02-12,1,1,1");

        await().atMost(AUDITED).untilAsserted(() -> assertThat(jdbc.sql("select path, status, role, clinic_id"
                        + " from access_audit where path in (?, ?) order by id")
                .params("/console/clinics/gamma/patients/" + records.mrn(), "/console/clinics/gamma/controlled-substances.csv")
                .query((rs, n) -> rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3) + " " + rs.getString(4)).list())
                .as("the page view and the download, audited").containsExactly(
                        "/console/clinics/gamma/patients/" + records.mrn() + " 200 auditor gamma",
                        "/console/clinics/gamma/controlled-substances.csv 200 auditor gamma"));
    }

    @Test
    void anAuditorOfOneClinicSeesNothingOfAnotherAndClinicItNoAuditorsPage() throws Exception {
        awaitAuditorsStore();
        AuditorRecords other = AuditorRecords.of(LocalDate.parse("2025-03-03"), "-06:00");
        other.sendTo("lakeview.infusion", this::httpPost, jdbc);
        String period = "?start=2025-03-01&end=2025-03-31";

        signIn("auditor", "gamma");
        assertThat(browser.getPageSource()).doesNotContain("lakeview");
        for (String page : List.of("/console/clinics/lakeview.infusion/patients",
                "/console/clinics/lakeview.infusion/patients/" + other.mrn(),
                "/console/clinics/gamma/patients/" + other.mrn(),
                "/console/clinics/lakeview.infusion/controlled-substances" + period,
                "/console/clinics/lakeview.infusion/rems-forms" + period)) {
            browser.get(url(page));
            assertThat(browser.findElements(By.id("not-found"))).as(page).hasSize(1);
            assertThat(browser.getPageSource()).as(page).doesNotContain(other.mrn()).doesNotContain(other.completeSession());
        }
        browser.get(url("/console/clinics/gamma/patients"));
        assertThat(browser.getPageSource()).doesNotContain(other.mrn()).doesNotContain("lakeview");
        browser.get(url("/console/clinics/gamma/controlled-substances" + period));
        assertThat(browser.getPageSource()).doesNotContain(other.mrn()).doesNotContain(other.formulaLot());
        for (String download : List.of("/console/clinics/lakeview.infusion/controlled-substances.csv" + period,
                "/console/clinics/lakeview.infusion/rems-forms.csv" + period)) {
            HttpResponse<String> tampered = asSignedIn(url(download));
            assertThat(tampered.statusCode()).as(download).isEqualTo(404);
            assertThat(tampered.body()).as(download).doesNotContain(other.mrn()).doesNotContain(other.completeSession());
        }

        browser.manage().deleteAllCookies();
        signIn("clinic-it", "gamma");
        browser.get(url("/console/clinics/gamma/patients"));
        assertThat(browser.findElements(By.id("forbidden"))).as("clinic IT has no auditor's page").hasSize(1);
        browser.get(url("/console/clinics/gamma/rems-forms"));
        assertThat(browser.findElements(By.id("rems-counts"))).as("but the REMS forms of their clinic").hasSize(1);
        assertThat(browser.findElements(By.id("csv"))).as("without the forms' answers (the auditors' CSV)").isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("/console/clinics/gamma/patients");
        browser.get(url("/console/clinics/lakeview.infusion/rems-forms" + period));
        assertThat(browser.findElements(By.id("not-found"))).hasSize(1);
    }

    @Test
    void settlesAnUncertainRecordAsTheResourceTheEhrHoldsAndItsLaterChangeGoesThere() {
        String mrn = prefix() + "-M";
        String encounterId = prefix() + "-E";
        KAPPA_ENCOUNTERS.loseNextPostAnswer("Encounter", encounterId);
        long task = uncertainEncounter(mrn, encounterId);
        String held = KAPPA_ENCOUNTERS.referencesOf(KAPPA_ENCOUNTER, encounterId).get(0);

        signIn("clinic-it", "kappa");
        browser.get(url("/console/clinics/kappa"));
        clickThrough(browser.findElement(By.cssSelector("#counts tr[data-state=uncertain] a")));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/clinics/kappa/uncertain"));
        assertThat(uncertainRow(task).getText()).contains("ENCOUNTER " + encounterId)
                .contains("the answer to the bridge's create of this record's Encounter was lost");

        settleAs(task, "Observation/xyz");
        assertThat(uncertainRow(task).findElement(By.className("settle-error")).getText())
                .isEqualTo("Task " + task + " is uncertain about its Encounter, not a Observation: name the Encounter the EHR holds");
        assertThat(browser.findElement(By.id("reference-" + task)).getAttribute("value")).as("what was typed, kept")
                .isEqualTo("Observation/xyz");
        settleAs(task, "Encounter 12");
        assertThat(uncertainRow(task).findElement(By.className("settle-error")).getText())
                .isEqualTo("'Encounter 12' is not a reference Type/id as the EHR names the resource (e.g. Observation/123)");
        assertThat(syncTaskStatus(task)).as("a refused settling changes nothing").isEqualTo("UNCERTAIN");

        settleAs(task, " " + held + " ");

        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/clinics/kappa/uncertain"));
        assertThat(text("settled")).contains("Task " + task).contains("ENCOUNTER " + encounterId).contains("as " + held);
        assertThat(browser.findElements(By.cssSelector("#uncertain tr[data-task='" + task + "']"))).isEmpty();
        await().atMost(SYNCED).until(() -> "SENT".equals(syncTaskStatus(task)));
        browser.navigate().refresh();
        assertThat(browser.findElements(By.id("settled"))).as("the message is shown once").isEmpty();

        // The record changes: the change goes to the resource clinic IT named; nothing is created.
        String later = encounter(encounterId, mrn).replace("\"end\":\"2026-10-05T11:00:00\"", "\"end\":\"2026-10-05T11:30:00\"");
        assertThat(httpPost("/api/v1/clinics/kappa/encounters", "application/json", later).statusCode()).isEqualTo(202);
        await().atMost(SYNCED).until(() -> "SENT".equals(taskStatus("kappa", "ENCOUNTER", encounterId))
                && syncTaskId("kappa", "ENCOUNTER", encounterId) != task);
        assertThat(KAPPA_ENCOUNTERS.postsOf(KAPPA_ENCOUNTER, encounterId)).as("created once, by the lost POST").isEqualTo(1);
        assertThat(((Encounter) KAPPA_ENCOUNTERS.get(held)).getPeriod().getEndElement().getValueAsString())
                .as("the change, at the adopted id").startsWith("2026-10-05T11:30:00");

        // Settled once: the same form again finds nothing to settle.
        postFromThePage("/console/clinics/kappa/uncertain/" + task + "/in-ehr", "reference", held);
        assertThat(browser.findElements(By.id("not-found"))).hasSize(1);
        await().atMost(AUDITED).untilAsserted(() -> assertThat(jdbc.sql("select method, status, role, clinic_id"
                        + " from access_audit where path = ? order by id")
                .param("/console/clinics/kappa/uncertain/" + task + "/in-ehr")
                .query((rs, n) -> rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3) + " " + rs.getString(4)).list())
                .as("each settling, refused or done, audited").containsExactly("POST 409 clinic-it kappa",
                        "POST 400 clinic-it kappa", "POST 302 clinic-it kappa", "POST 404 clinic-it kappa"));
    }

    @Test
    void anUncertainRecordTheEhrDoesNotHoldIsCreatedOnlyOnceClinicItConfirms() {
        String mrn = prefix() + "-M";
        String encounterId = prefix() + "-E";
        KAPPA_ENCOUNTERS.failNextPostUnstored(1, encounterId);
        long task = uncertainEncounter(mrn, encounterId);

        // Clinic IT of another clinic: no such task, whatever the page.
        signIn("clinic-it", "alpha");
        browser.get(url("/console/clinics/alpha/uncertain/" + task + "/not-in-ehr"));
        assertThat(browser.findElements(By.id("not-found"))).hasSize(1);
        postFromThePage("/console/clinics/alpha/uncertain/" + task + "/not-in-ehr");
        assertThat(browser.findElements(By.id("not-found"))).hasSize(1);
        assertThat(browser.getPageSource()).doesNotContain(encounterId);
        assertThat(syncTaskStatus(task)).isEqualTo("UNCERTAIN");
        browser.manage().deleteAllCookies();

        signIn("clinic-it", "kappa");
        browser.get(url("/console/clinics/kappa/uncertain"));
        clickThrough(uncertainRow(task).findElement(By.className("not-in-ehr")));
        assertThat(text("confirm-text")).contains(String.valueOf(task)).contains(encounterId);
        assertThat(syncTaskStatus(task)).as("nothing done before the confirmation").isEqualTo("UNCERTAIN");
        assertThat(KAPPA_ENCOUNTERS.held(KAPPA_ENCOUNTER, encounterId)).isZero();
        clickThrough(browser.findElement(By.id("confirm-create")));

        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/clinics/kappa/uncertain"));
        assertThat(text("settled")).contains("Task " + task).contains("not in the EHR");
        assertThat(browser.findElements(By.cssSelector("#uncertain tr[data-task='" + task + "']"))).isEmpty();
        await().atMost(SYNCED).until(() -> "SENT".equals(syncTaskStatus(task)));
        assertThat(KAPPA_ENCOUNTERS.postsOf(KAPPA_ENCOUNTER, encounterId)).as("the refused POST, then the create").isEqualTo(2);
        assertThat(KAPPA_ENCOUNTERS.held(KAPPA_ENCOUNTER, encounterId)).isEqualTo(1);
        browser.get(url("/console/clinics/kappa/uncertain/" + task + "/not-in-ehr"));
        assertThat(browser.findElements(By.id("not-found"))).as("settled already").hasSize(1);
    }

    @Test
    void listsTheRecordsTheEhrDoesNotTakeWithTheirTypeAndWhy() {
        String mrn = prefix() + "-M";
        String encounterId = prefix() + "-E";
        String doseId = prefix() + "-D";
        assertThat(httpPost("/api/v1/clinics/kappa/patients", "application/json", patient(mrn)).statusCode()).isEqualTo(202);
        assertThat(httpPost("/api/v1/clinics/kappa/encounters", "application/json", encounter(encounterId, mrn)).statusCode())
                .isEqualTo(202);
        assertThat(httpPost("/api/v1/clinics/kappa/doses", "application/json", dose(doseId, encounterId, mrn)).statusCode())
                .isEqualTo(202);
        await().atMost(SYNCED).until(() -> "NOT_ACCEPTED".equals(taskStatus("kappa", "DOSE", doseId)));
        long task = syncTaskId("kappa", "DOSE", doseId);

        signIn("clinic-it", "kappa");
        browser.get(url("/console/clinics/kappa"));
        clickThrough(browser.findElement(By.cssSelector("#counts tr[data-state=notAccepted] a")));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console/clinics/kappa/not-accepted"));
        List<String> cells = browser.findElements(By.cssSelector("#not-accepted tr[data-task='" + task + "'] td")).stream()
                .map(WebElement::getText).toList();
        assertThat(cells.subList(1, 5)).as("record, version, type, why").containsExactly("DOSE " + doseId, "1",
                "MedicationAdministration", "this EHR does not accept MedicationAdministration (plan: none, from configuration)");
        assertThat(browser.findElements(By.cssSelector("#not-accepted form, #not-accepted button"))).as("read only").isEmpty();
    }

    @Test
    void anAuditorGetsNeitherTheUncertainNorTheNotAcceptedPage() {
        String encounterId = prefix() + "-E";
        KAPPA_ENCOUNTERS.loseNextPostAnswer("Encounter", encounterId);
        long task = uncertainEncounter(prefix() + "-M", encounterId);

        signIn("auditor", "kappa");
        for (String page : List.of("/console/clinics/kappa/dead-letters", "/console/clinics/kappa/uncertain",
                "/console/clinics/kappa/uncertain/" + task + "/not-in-ehr", "/console/clinics/kappa/not-accepted")) {
            browser.get(url(page));
            assertThat(browser.findElements(By.id("forbidden"))).as(page).hasSize(1);
            assertThat(browser.getPageSource()).as(page).doesNotContain(encounterId);
        }
        postFromThePage("/console/clinics/kappa/uncertain/" + task + "/not-in-ehr");
        assertThat(browser.findElements(By.id("forbidden"))).hasSize(1);
        assertThat(syncTaskStatus(task)).isEqualTo("UNCERTAIN");
        browser.get(url("/console/clinics/kappa/rems-forms"));
        assertThat(browser.findElements(By.cssSelector("nav.tabs"))).as("a page of the clinic the auditor sees").hasSize(1);
        assertThat(browser.getPageSource()).as("no tab to them").doesNotContain("/console/clinics/kappa/uncertain")
                .doesNotContain("/console/clinics/kappa/not-accepted");
    }

    @Test
    void aUsedOrExpiredLinkIsRefusedAndALinkIsNoBearerToken() {
        String link = ConsoleLinks.issue(port, "clinic-it", "alpha");
        browser.get(link);
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console"));
        clickThrough(browser.findElement(By.id("sign-out")));
        assertThat(browser.findElements(By.id("signed-out"))).hasSize(1);
        browser.get(url("/console/clinics/alpha"));
        assertThat(browser.getCurrentUrl()).as("signed out: the console asks for a link").startsWith(url("/console/sign-in"));

        browser.get(link);
        assertThat(browser.findElements(By.id("refused"))).as("the same link again").hasSize(1);
        browser.get(ConsoleLinks.expired(port, Role.CLINIC_IT, "alpha"));
        assertThat(browser.findElements(By.id("refused"))).as("an expired link").hasSize(1);
        browser.get(url("/console/clinics/alpha"));
        assertThat(browser.getCurrentUrl()).startsWith(url("/console/sign-in"));

        String unspent = ConsoleLinks.issue(port, "clinic-it", "alpha");
        assertThat(httpGet("/api/v1/clinics/alpha/sync", ConsoleLinks.tokenOf(unspent)).statusCode())
                .as("a sign-in link's token is no bearer token").isEqualTo(401);
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        signIn("clinic-it", "alpha");
        Cookie session = browser.manage().getCookieNamed("KB_CONSOLE");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualToIgnoringCase("Lax");
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(
                        "/console/clinics/alpha/dead-letters/replay")))
                .header("Cookie", "KB_CONSOLE=" + session.getValue())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(403);
        // The same session's GET works: the refusal was the missing token, not the session.
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(
                        "/console/clinics/alpha/dead-letters"))).header("Cookie", "KB_CONSOLE=" + session.getValue()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
    }

    @Test
    void pageViewsAreInTheAuditTrail() {
        signIn("clinic-it", "alpha");
        browser.get(url("/console/clinics/alpha/waiting"));
        browser.get(url("/console/clinics/beta/waiting"));
        await().atMost(AUDITED).untilAsserted(() -> assertAudited());
    }

    private void assertAudited() {
        List<Map<String, Object>> rows = jdbc.sql("select subject, role, clinic_id, path, status, method, query from access_audit"
                        + " where path in ('/console/clinics/alpha/waiting', '/console/clinics/beta/waiting', '/console/sign-in')"
                        + " and subject = 'clinic-it-demo' order by id desc fetch first 3 rows only")
                .query().listOfRows();
        assertThat(rows).extracting(r -> r.get("PATH") + " " + r.get("STATUS") + " " + r.get("CLINIC_ID") + " " + r.get("ROLE"))
                .containsExactly("/console/clinics/beta/waiting 404 beta clinic-it",
                        "/console/clinics/alpha/waiting 200 alpha clinic-it",
                        "/console/sign-in 302 null clinic-it");
        assertThat(rows.get(2).get("QUERY")).as("the sign-in link's token is not kept").isNull();
    }

    /**
     * A patient and an encounter of kappa, whose EHR creates encounters by POST and offers no search:
     * the fault scripted on its POST (a lost answer, a 503) leaves the encounter's task uncertain.
     */
    private long uncertainEncounter(String mrn, String encounterId) {
        assertThat(httpPost("/api/v1/clinics/kappa/patients", "application/json", patient(mrn)).statusCode()).isEqualTo(202);
        assertThat(httpPost("/api/v1/clinics/kappa/encounters", "application/json", encounter(encounterId, mrn)).statusCode())
                .isEqualTo(202);
        await().atMost(SYNCED).until(() -> "UNCERTAIN".equals(taskStatus("kappa", "ENCOUNTER", encounterId)));
        return syncTaskId("kappa", "ENCOUNTER", encounterId);
    }

    private WebElement uncertainRow(long task) {
        return browser.findElement(By.cssSelector("#uncertain tr[data-task='" + task + "']"));
    }

    /** Clinic IT types what they found in the EHR next to the task and settles it. */
    private void settleAs(long task, String reference) {
        WebElement field = browser.findElement(By.id("reference-" + task));
        field.clear();
        field.sendKeys(reference);
        clickThrough(uncertainRow(task).findElement(By.className("adopt")));
    }

    /**
     * A POST the console's pages do not offer, sent by the browser as a form of its home page would
     * be (the sign-out form's CSRF token with it): a stale page, or a tampered address.
     */
    private void postFromThePage(String path, String... nameAndValue) {
        browser.get(url("/console"));
        WebElement page = browser.findElement(By.tagName("html"));
        ((JavascriptExecutor) browser).executeScript("""
                const form = document.getElementById('sign-out').form.cloneNode(true);
                form.action = arguments[0];
                for (let i = 0; i + 1 < arguments[1].length; i += 2) {
                  const field = document.createElement('input');
                  field.type = 'hidden'; field.name = arguments[1][i]; field.value = arguments[1][i + 1];
                  form.appendChild(field);
                }
                document.body.appendChild(form);
                form.submit();""", path, List.of(nameAndValue));
        awaitPageReplacing(page);
    }

    private String syncTaskStatus(long task) {
        return jdbc.sql("select status from sync_task where id = ?").param(task).query(String.class).single();
    }

    private long syncTaskId(String clinicId, String kind, String recordId) {
        return jdbc.sql("select max(id) from sync_task where clinic_id = ? and kind = ? and record_id = ?")
                .params(clinicId, kind, recordId).query(Long.class).single();
    }

    private void signIn(String role, String... clinics) {
        browser.get(ConsoleLinks.issue(port, role, clinics));
        assertThat(browser.getCurrentUrl()).isEqualTo(url("/console"));
    }

    /** A GET with the browser's console session: what a download by the browser would fetch. */
    private HttpResponse<String> asSignedIn(String address) throws Exception {
        Cookie session = browser.manage().getCookieNamed("KB_CONSOLE");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address))
                .header("Cookie", "KB_CONSOLE=" + session.getValue()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Clicks a link or a form's button and waits until the page it leads to has replaced this one.
     * A click can return before a form's POST and its redirect are done (seen on CI: the next line
     * still read the confirmation page's address).
     */
    private void clickThrough(WebElement leadsAway) {
        leadsAway.click();
        awaitPageReplacing(leadsAway);
    }

    /**
     * Waits until the page {@code gone} was part of has been replaced by the next one, loaded. While
     * the old page is being replaced, chromedriver may answer a look at it with neither "stale" nor
     * an answer ("Node with given id does not belong to the document", seen here): that is asked
     * again, not taken for a failure.
     */
    private void awaitPageReplacing(WebElement gone) {
        new WebDriverWait(browser, SYNCED).ignoring(WebDriverException.class).until(ExpectedConditions.stalenessOf(gone));
        new WebDriverWait(browser, SYNCED).ignoring(WebDriverException.class).until(d -> "complete".equals(
                ((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** The README's picture of the console (a clinic's sync state), written where the bridge serves it too. */
    private static void screenshotForTheReadme() {
        screenshot("console-screenshot.png");
    }

    /** A picture of the page for the README, in target/ (copied to static/console/assets by hand when the look changes). */
    private static void screenshot(String name) {
        try {
            Path file = Path.of("target", name);
            Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
