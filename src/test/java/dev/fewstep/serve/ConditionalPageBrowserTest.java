package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fewstep.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The page with a conditional model: upload a condition, paint a mask, see the input beside the outputs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionalPageBrowserTest {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private Server server;
    private ChromeDriver driver;
    private Path picture;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(), "needs Debian's chromium and chromium-driver");
        Path models = TestServers.tinyModels(dir.resolve("models"));
        TinyModels.controlled(models, "tiny-inpaint", "inpaint");
        server = TestServers.started(TestServers.settings(models));
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 3, 0xffffff);
        picture = dir.resolve("low.png");
        ImageIO.write(image, "png", picture.toFile());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")), "--window-size=1200,900");
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort()
                .build(), options);
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
    void anInpaintingModelTakesAPictureAndAPaintedMaskAndShowsTheInputBesideTheOutput() {
        driver.get(server.url());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(browser -> "true".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        assertThat(driver.findElement(By.id("condition-fields")).isDisplayed()).as("no condition for the default model").isFalse();
        new Select(driver.findElement(By.id("run-a-model"))).selectByValue("tiny-inpaint");
        assertThat(driver.findElement(By.id("condition-fields")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("mask-canvas")).isDisplayed()).isTrue();
        driver.findElement(By.id("condition")).sendKeys(picture.toString());
        WebElement canvas = driver.findElement(By.id("mask-canvas"));
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(canvas).clickAndHold().moveByOffset(10, 10)
                .release().perform();
        driver.findElement(By.id("prompt")).sendKeys("stripes");
        new Select(driver.findElement(By.id("n"))).selectByValue("1");
        new Select(driver.findElement(By.id("run-a-sampler"))).selectByValue("euler");
        WebElement steps = driver.findElement(By.id("run-a-steps"));
        steps.clear();
        steps.sendKeys("2");
        driver.findElement(By.id("generate")).click();
        wait.until(browser -> driver.findElements(By.cssSelector("#results img.sample")).size() == 2
                || driver.findElement(By.id("error")).isDisplayed());
        assertThat(driver.findElement(By.id("error")).isDisplayed()).as(driver.findElement(By.id("error")).getText()).isFalse();
        List<WebElement> figures = driver.findElements(By.cssSelector("#results figure"));
        assertThat(figures.get(0).getText()).contains("input");
        assertThat(figures.get(1).getText()).contains("NFE");
    }
}
