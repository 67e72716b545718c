package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import dev.fewstep.adaptive.Policy;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.lora.Adapters;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.nn.lora.LoraInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The page's LoRA picker (adapters of the selected model, with weights) and its "auto" budget (an AdaDiff policy). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddOnPageBrowserTest {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private Server server;
    private ChromeDriver driver;
    private String previousRoot;

    private static void adapter(Path models, String name, Path base, String makes) throws IOException {
        try (DiffusionModel loaded = DiffusionModel.load(base); NDManager manager = NDManager.newBaseManager()) {
            Adapters adapters = Adapters.create(loaded.network(), new LoraConfig(2, 2, false), manager);
            adapters.updates().values().forEach(u -> u.up().getArray().addi(0.05f));
            Files.createDirectories(models.resolve(name));
            Lora.write(models.resolve(name).resolve(Lora.FILE), adapters.tensors(), new LoraInfo(base.getFileName().toString(),
                    ModelStore.sha256(base.resolve(ModelStore.WEIGHTS)), adapters.config(), "synthetic", 1, Map.of(), makes));
        }
    }

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(), "needs Debian's chromium and chromium-driver");
        Path models = TestServers.tinyModels(dir.resolve("models"));
        adapter(models, "tiny-style", models.resolve(TestServers.TEACHER), null);
        adapter(models, "tiny-cd-lora", models.resolve(TestServers.TEACHER), "cd");
        adapter(models, "student-lora", models.resolve(TestServers.STUDENT), null);
        try (Policy policy = Policy.create("tiny-policy", TestServers.TEACHER, List.of(TestServers.STUDENT, "euler:2"),
                new int[] {1, 2}, 4, 1)) {
            policy.save(models.resolve("tiny-policy"), Map.of());
        }
        // Policies are found by name in the models folder, as `fewstep serve` sets it.
        previousRoot = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", models.toString());
        server = TestServers.started(TestServers.settings(models));
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
        if (previousRoot == null) {
            System.clearProperty("fewstep.models");
        } else {
            System.setProperty("fewstep.models", previousRoot);
        }
    }

    /** Loads the page, records every request body it sends, and picks the tiny teacher. */
    @BeforeEach
    void open() {
        driver.get(server.url());
        new WebDriverWait(driver, WAIT).until(b -> "true".equals(driver.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        ((JavascriptExecutor) driver).executeScript("window.sent = []; const original = window.fetch;"
                + " window.fetch = (url, options) => { if (options && options.body) window.sent.push(JSON.parse(options.body));"
                + " return original(url, options); };");
        new Select(driver.findElement(By.id("run-a-model"))).selectByValue(TestServers.TEACHER);
        driver.findElement(By.id("prompt")).sendKeys("stripes");
        new Select(driver.findElement(By.id("n"))).selectByValue("1");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> generateAndGetBody() {
        driver.findElement(By.id("generate")).click();
        new WebDriverWait(driver, WAIT).until(b -> !driver.findElements(By.cssSelector("#results img.sample")).isEmpty()
                || driver.findElement(By.id("error")).isDisplayed());
        assertThat(driver.findElement(By.id("error")).isDisplayed()).as(driver.findElement(By.id("error")).getText()).isFalse();
        List<Object> sent = (List<Object>) ((JavascriptExecutor) driver).executeScript("return window.sent");
        return (Map<String, Object>) sent.get(sent.size() - 1);
    }

    @Test
    void theLorasOfTheSelectedModelAreOfferedAndSentWithTheirWeights() {
        List<String> offered = driver.findElements(By.cssSelector("#run-a-loras input[type=checkbox]")).stream()
                .map(check -> check.getDomAttribute("data-lora")).toList();
        assertThat(offered).containsExactly("tiny-cd-lora", "tiny-style");
        driver.findElement(By.id("run-a-lora-tiny-style")).click();
        WebElement weight = driver.findElement(By.id("run-a-lora-tiny-style-weight"));
        weight.clear();
        weight.sendKeys("0.5");
        Map<String, Object> body = generateAndGetBody();
        assertThat(body.get("lora")).isEqualTo(List.of("tiny-style:0.5"));
        assertThat(body.get("model")).isEqualTo(TestServers.TEACHER);
        assertThat(driver.findElement(By.cssSelector("#results h3")).getText()).contains("+ tiny-style");

        new Select(driver.findElement(By.id("run-a-model"))).selectByValue(TestServers.STUDENT);
        assertThat(driver.findElements(By.cssSelector("#run-a-loras input[type=checkbox]")))
                .extracting(check -> check.getDomAttribute("data-lora")).containsExactly("student-lora");
        assertThat(driver.findElement(By.id("run-a-policy")).isDisplayed()).as("no policy for the student").isFalse();
    }

    @Test
    void aConsistencyLoraTurnsTheTeacherIntoAFewStepModel() {
        driver.findElement(By.id("run-a-lora-tiny-cd-lora")).click();
        assertThat(driver.findElement(By.id("run-a-sampler")).isDisplayed()).isFalse();
        WebElement steps = driver.findElement(By.id("run-a-steps"));
        steps.clear();
        steps.sendKeys("2");
        assertThat(driver.findElement(By.id("run-a-nfe")).getText()).isEqualTo("2 NFE");
        Map<String, Object> body = generateAndGetBody();
        assertThat(body).containsEntry("lora", List.of("tiny-cd-lora:1")).doesNotContainKeys("sampler", "cfg");
        assertThat(driver.findElement(By.cssSelector("#results figcaption")).getText()).contains("2 NFE");
    }

    @Test
    void autoSendsThePolicyInsteadOfModelAndBudget() {
        assertThat(driver.findElement(By.id("run-a-policy")).isDisplayed()).isTrue();
        new Select(driver.findElement(By.id("run-a-policy"))).selectByValue("tiny-policy");
        assertThat(driver.findElement(By.id("run-a-steps")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("run-a-loras")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("run-a-nfe")).getText()).isEqualTo("auto: 1–2 NFE, per prompt");
        Map<String, Object> body = generateAndGetBody();
        assertThat(body).containsEntry("policy", "tiny-policy").doesNotContainKeys("model", "sampler", "steps", "cfg", "lora");
        assertThat(driver.findElement(By.cssSelector("#results figcaption")).getText()).containsPattern("[12] NFE");
    }
}
