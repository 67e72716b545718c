package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.STARTS;
import static dev.fewstep.serve.TestServers.STOPS;
import static dev.fewstep.serve.TestServers.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.images.ImageGenerateParams;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full queue and a request time limit, as OpenAI's SDK sees them: 429 and 503 in OpenAI's error shape. */
class OpenAiBackPressureTest {
    static Path models;

    @BeforeAll
    static void writeModels(@TempDir Path dir) throws IOException {
        models = TestServers.tinyModels(dir);
    }

    @Test
    void aFullQueueIsARateLimitWithRetryAfter() throws Exception {
        try (Server server = TestServers.started(TestServers.settings(models).withWorkers(1).withMaxQueue(0))) {
            OpenAIClient openAi = client(server);
            try (Socket running = TestServers.sendRaw(server, "/v1/generate", BackPressureTest.ENDLESS)) {
                assertThat(eventually(STARTS, () -> server.queue().status().running() == 1)).isTrue();
                assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder()
                        .prompt("stripes").model(TestServers.STUDENT).build()))
                        .isInstanceOfSatisfying(RateLimitException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(429);
                            assertThat(e.getMessage()).contains("busy");
                            assertThat(e.headers().values("Retry-After")).hasSize(1);
                        });
            } finally {
                openAi.close();
            }
            // The client that held the worker left: its generation stops, and nothing else ran.
            assertThat(eventually(STOPS, () -> server.queue().status().running() == 0)).isTrue();
            assertThat(server.queue().status().completed()).isZero();
        }
    }

    @Test
    void aGenerationPastTheTimeLimitIsAServerErrorNot200() {
        ServerSettings settings = TestServers.settings(models).withRequestTimeout(Duration.ofSeconds(1));
        try (Server server = TestServers.started(settings)) {
            OpenAIClient openAi = client(server);
            assertThatThrownBy(() -> openAi.images().generate(ImageGenerateParams.builder()
                    .prompt("stripes").model(TestServers.TEACHER)
                    .putAdditionalBodyProperty("sampler", JsonValue.from("heun"))
                    .putAdditionalBodyProperty("steps", JsonValue.from(1000)).build()))
                    .isInstanceOfSatisfying(InternalServerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.type()).hasValue("server_error");
                    });
            openAi.close();
        }
    }

    /** No retries: the SDK would otherwise repeat a 429 or 503 twice, and these tests count requests. */
    private static OpenAIClient client(Server server) {
        return OpenAIOkHttpClient.builder().baseUrl(TestServers.base(server) + "/v1").apiKey("unused").maxRetries(0).build();
    }
}
