package io.pigeon.sample;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens the sample's page in a real headless browser, writes through its form and watches the
 * changes arrive. Uses the Chromium and ChromeDriver installed on the machine (Debian's
 * {@code chromium} and {@code chromium-driver} by default, or the paths in the system properties
 * {@code pigeon.test.chromium} and {@code pigeon.test.chromedriver}); never downloads a browser.
 * Skipped, saying how to install one, where there is none.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(SampleTestSchema.class)
// Evaluated before the application starts: without a browser, nothing here can run.
@EnabledIf(value = "browserInstalled", disabledReason = PigeonSampleBrowserTests.NO_BROWSER)
class PigeonSampleBrowserTests {

	static final String NO_BROWSER = "Skipped: PigeonSampleBrowserTests need a Chromium and its ChromeDriver."
			+ " Install them with 'sudo apt-get install chromium chromium-driver' (Debian, Ubuntu), or name yours with"
			+ " -Dpigeon.test.chromium=<browser> -Dpigeon.test.chromedriver=<driver>.";

	private static final Path CHROMIUM = Path.of(System.getProperty("pigeon.test.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("pigeon.test.chromedriver", "/usr/bin/chromedriver"));

	private static final Duration DELIVERY = Duration.ofSeconds(10);

	// Selenium warns on every start that it has no DevTools (CDP) support for this Chromium
	// version; the test does not use DevTools. Held here so the level is not lost to GC.
	private static final Logger seleniumDevToolsLogger = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

	private static final Logger chromiumDriverLogger = quiet("org.openqa.selenium.chromium.ChromiumDriver");

	@LocalServerPort
	private int port;

	private WebDriver browser;

	private WebDriverWait wait;

	static boolean browserInstalled() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed) {
			// Surefire shows only the number of skipped tests; the reason belongs on the console too.
			System.err.println(NO_BROWSER + " (Looked for " + CHROMIUM + " and " + CHROMEDRIVER + ".)");
		}
		return installed;
	}

	@BeforeEach
	void openBrowser(@TempDir Path profile) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir=" + profile);
		// An explicit driver and binary keep Selenium Manager from looking for (or downloading) either.
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
		this.wait = new WebDriverWait(this.browser, DELIVERY);
	}

	@AfterEach
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void formWritesAppearAsLiveChanges() {
		this.browser.get("http://localhost:" + this.port + "/");
		// Only once the stream is open is every later change sure to reach the page.
		this.wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "live"));
		String description = "Pigeon feed " + UUID.randomUUID();

		fill("description", description);
		fill("price", "4.25");
		this.browser.findElement(By.id("insert")).click();
		WebElement inserted = awaitChange("INSERT", description);
		assertThat(inserted.getText()).contains("channel items").contains("\"price\":4.25");
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("items"), description));

		// The form now holds the new item's number: change its price.
		fill("price", "5.75");
		this.browser.findElement(By.id("update")).click();
		WebElement priceChange = awaitChange("UPDATE", "\"price\":5.75", "channel item_prices");
		assertThat(priceChange.getText()).contains("old: ").contains("\"price\":4.25");

		this.browser.findElement(By.id("delete")).click();
		awaitChange("DELETE", description);
		this.wait.until(ExpectedConditions
			.not(ExpectedConditions.textToBePresentInElementLocated(By.id("items"), description)));
	}

	private void fill(String id, String value) {
		WebElement field = this.browser.findElement(By.id(id));
		field.clear();
		field.sendKeys(value);
	}

	private WebElement awaitChange(String action, String... texts) {
		return this.wait.withMessage(() -> "no " + action + " change with " + String.join(", ", texts) + " in "
				+ this.browser.findElement(By.id("changes")).getText()).until((browser) -> {
					for (WebElement change : browser.findElements(By.cssSelector("#changes li"))) {
						String text = change.getText();
						if (text.startsWith(action) && containsAll(text, texts)) {
							return change;
						}
					}
					return null;
				});
	}

	private static Logger quiet(String name) {
		Logger logger = Logger.getLogger(name);
		logger.setLevel(Level.SEVERE);
		return logger;
	}

	private static boolean containsAll(String text, String... parts) {
		for (String part : parts) {
			if (!text.contains(part)) {
				return false;
			}
		}
		return true;
	}

}
