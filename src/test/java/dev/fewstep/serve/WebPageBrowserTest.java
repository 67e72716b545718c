package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The page in Debian's headless Chromium: type a prompt, generate, and check the image arrived and decoded. */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPageBrowserTest {
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);

    private Server server;
    private ChromeDriver driver;
    private Path profile;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(), "needs Debian's chromium and chromium-driver");
        server = TestServers.started(TestServers.settings(TestServers.tinyModels(dir.resolve("models"))));
        profile = Files.createDirectories(dir.resolve("chromium-profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1200, 900));
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void typesAPromptGeneratesAndShowsTheDecodedImage() {
        driver.get(server.url());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(browser -> "true".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        // The vocabulary of the default model is offered as examples.
        assertThat(driver.findElements(By.cssSelector("#examples .chip")).stream().map(WebElement::getText))
                .contains("bright square", "stripes");

        WebElement prompt = driver.findElement(By.id("prompt"));
        prompt.clear();
        prompt.sendKeys("stripes");
        new Select(driver.findElement(By.id("n"))).selectByValue("1");
        driver.findElement(By.id("generate")).click();

        WebElement image = wait.until(browser -> loadedImages().stream().findFirst().orElse(null));
        JavascriptExecutor script = driver;
        assertThat(((Number) script.executeScript("return arguments[0].naturalWidth", image)).intValue()).isEqualTo(32);
        assertThat(((Number) script.executeScript("return arguments[0].naturalHeight", image)).intValue()).isEqualTo(32);
        assertThat(image.getCssValue("image-rendering")).isEqualTo("pixelated");
        assertThat(image.getSize().getWidth()).as("shown upscaled").isGreaterThanOrEqualTo(128);
        String caption = driver.findElement(By.cssSelector("#results figcaption")).getText();
        assertThat(caption).contains("1 NFE").containsPattern("\\d+\\.\\d\\d s").contains("seed");
        WebElement download = driver.findElement(By.cssSelector("#results figure a.download"));
        assertThat(download.getAttribute("href")).startsWith("data:image/png;base64,");
        assertThat(download.getAttribute("download")).startsWith("fewstep-").endsWith(".png");
        assertThat(driver.findElements(By.cssSelector("link[rel=icon]"))).hasSize(1);
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("warning")).isDisplayed()).as("stripes is in the vocabulary").isFalse();
        wait.until(browser -> !driver.findElements(By.cssSelector("#gallery .thumb")).isEmpty());
    }

    @Test
    void aPromptOutsideTheVocabularyShowsAWarningWithTheNearestPrompts() {
        driver.get(server.url());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(browser -> "true".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        WebElement prompt = driver.findElement(By.id("prompt"));
        prompt.clear();
        prompt.sendKeys("zebra crossing");
        new Select(driver.findElement(By.id("n"))).selectByValue("1");
        driver.findElement(By.id("generate")).click();

        wait.until(browser -> !loadedImages().isEmpty());
        WebElement warning = driver.findElement(By.id("warning"));
        assertThat(warning.isDisplayed()).isTrue();
        assertThat(warning.getText()).startsWith("\"zebra crossing\" is not one of the 3 prompts").contains("nearest: ");
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @Test
    void comparesTwoMethodsSideBySideOnTheSameSeed() throws IOException {
        driver.get(server.url());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(browser -> "true".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        driver.findElement(By.id("prompt")).sendKeys("bright square");
        new Select(driver.findElement(By.id("n"))).selectByValue("1");
        driver.findElement(By.id("compare")).click();
        assertThat(driver.findElement(By.id("run-b")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("run-b-nfe")).getText()).isEqualTo("35 NFE");
        driver.findElement(By.id("generate")).click();

        wait.until(browser -> loadedImages().size() == 2);
        List<WebElement> panels = driver.findElements(By.cssSelector("#results .result"));
        assertThat(panels).hasSize(2);
        assertThat(panels.get(0).getText()).contains("1 NFE");
        assertThat(panels.get(1).getText()).contains("35 NFE");
        List<String> seeds = loadedImages().stream().map(img -> img.getDomAttribute("data-seed")).toList();
        assertThat(seeds.get(0)).isEqualTo(seeds.get(1));
        // Side by side: the second panel starts to the right of the first, on the same row.
        assertThat(panels.get(1).getLocation().getX()).isGreaterThan(panels.get(0).getLocation().getX());
        assertThat(panels.get(1).getLocation().getY()).isEqualTo(panels.get(0).getLocation().getY());

        Path screenshot = Path.of(System.getProperty("java.io.tmpdir"), "fewstep-serve-page.png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<WebElement> loadedImages() {
        return driver.findElements(By.cssSelector("#results img.sample")).stream()
                .filter(img -> Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
                        "return arguments[0].complete && arguments[0].naturalWidth > 0", img)))
                .toList();
    }
}
