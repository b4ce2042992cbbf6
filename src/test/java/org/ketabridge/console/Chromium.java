package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless browser for the console's tests: Debian's Chromium through its chromedriver, a
 * fresh profile, no background traffic. Without Chromium these tests fail rather than skip: CI
 * installs it ({@code apt-get install chromium chromium-driver}).
 */
final class Chromium {

    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    static WebDriver start() throws IOException {
        assertThat(BINARY).as("Chromium (apt-get install chromium chromium-driver; .ci/run does)").isExecutable();
        assertThat(DRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
        Path profile = Files.createTempDirectory("console-browser");
        ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
