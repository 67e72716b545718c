package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.STARTS;
import static dev.fewstep.serve.TestServers.STOPS;
import static dev.fewstep.serve.TestServers.assertBadRequest;
import static dev.fewstep.serve.TestServers.eventually;
import static dev.fewstep.serve.TestServers.get;
import static dev.fewstep.serve.TestServers.json;
import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded queue over HTTP: 429 beyond it, time limits, and clients that leave giving their slot back. */
class BackPressureTest {
    /** Heun with 1000 steps is 1999 evaluations: far longer than any of these tests waits. */
    static final String ENDLESS = """
            {"prompt": "stripes", "model": "tiny-teacher", "sampler": "heun", "steps": 1000, "seed": 1}""";
    static final String QUICK = """
            {"prompt": "stripes", "model": "tiny-student", "seed": 1}""";

    static Path models;
    private final HttpClient client = TestServers.client();

    @BeforeAll
    static void writeModels(@TempDir Path dir) throws IOException {
        models = TestServers.tinyModels(dir);
    }

    @Test
    void startsWithNoModelsAndNamesTheModelFieldOnGenerate(@TempDir Path empty) throws Exception {
        try (Server server = TestServers.started(TestServers.settings(empty.resolve("missing-folder")))) {
            assertThat(json(get(client, server, "/health")).path("models").asInt()).isZero();
            JsonNode catalog = json(get(client, server, "/v1/models"));
            assertThat(catalog.path("models")).isEmpty();
            assertThat(catalog.path("default").isNull()).isTrue();
            assertBadRequest(postJson(client, server, "/v1/generate", "{\"prompt\": \"Ankle boot\"}"), "model");
            assertBadRequest(postJson(client, server, "/v1/generate", "{\"prompt\": \"Ankle boot\", \"model\": \"fashion-teacher\"}"), "model");
            assertThat(get(client, server, "/").statusCode()).isEqualTo(200);
        }
        assertThat(Files.exists(empty.resolve("missing-folder"))).isFalse();
    }

    @Test
    void aFullQueueAnswers429AndLeavingClientsFreeTheirSlots() throws Exception {
        try (Server server = TestServers.started(TestServers.settings(models).withWorkers(1).withMaxQueue(1))) {
            GenerationQueue queue = server.queue();
            Socket running = TestServers.sendRaw(server, "/v1/generate", ENDLESS);
            assertThat(eventually(STARTS, () -> queue.status().running() == 1)).isTrue();
            Socket waiting = TestServers.sendRaw(server, "/v1/generate", ENDLESS);
            assertThat(eventually(STOPS, () -> queue.status().waiting() == 1)).isTrue();

            HttpResponse<String> refused = postJson(client, server, "/v1/generate", QUICK);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
            assertThat(json(refused).path("error").asText()).contains("busy");
            assertThat(postJson(client, server, "/v1/generate/stream", QUICK).statusCode()).isEqualTo(429);
            assertThat(get(client, server, "/health").statusCode()).isEqualTo(200);

            waiting.close(); // a waiting client leaves: its slot frees at once
            assertThat(eventually(STOPS, () -> queue.status().waiting() == 0)).isTrue();
            running.close(); // the running client leaves: the generation stops at its next evaluation
            assertThat(eventually(STOPS, () -> queue.status().running() == 0)).isTrue();
            assertThat(eventually(STOPS, () -> queue.status().cancelled() == 2)).isTrue();
            assertThat(queue.status().completed()).isZero();

            HttpResponse<String> after = postJson(client, server, "/v1/generate", QUICK);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        }
    }

    @Test
    void aStreamClientThatLeavesCancelsItsJob() throws Exception {
        try (Server server = TestServers.started(TestServers.settings(models))) {
            GenerationQueue queue = server.queue();
            Socket socket = TestServers.sendRaw(server, "/v1/generate/stream", ENDLESS);
            socket.setSoTimeout(20_000);
            byte[] start = socket.getInputStream().readNBytes(12);
            assertThat(new String(start)).startsWith("HTTP/1.1 200");
            assertThat(eventually(STARTS, () -> queue.status().running() == 1)).isTrue();
            socket.close();
            assertThat(eventually(STOPS, () -> queue.status().running() == 0)).isTrue();
            assertThat(eventually(STOPS, () -> queue.status().cancelled() == 1)).isTrue();
        }
    }

    @Test
    void aRequestPastTheTimeLimitGets503AndItsWorkerIsFreed() throws Exception {
        ServerSettings settings = TestServers.settings(models).withRequestTimeout(Duration.ofSeconds(1));
        try (Server server = TestServers.started(settings)) {
            long start = System.nanoTime();
            HttpResponse<String> response = postJson(client, server, "/v1/generate", ENDLESS);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).path("error").asText()).contains("limit");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(seconds).isLessThan(STOPS.toSeconds());
            assertThat(eventually(STOPS, () -> server.queue().status().running() == 0)).isTrue();
            assertThat(eventually(STOPS, () -> server.queue().status().timedOut() == 1)).isTrue();

            HttpResponse<String> stream = postJson(client, server, "/v1/generate/stream", ENDLESS);
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.body()).contains("event: error").contains("\"status\":503").doesNotContain("event: result");
        }
    }

    @Test
    void aModelLoadsOnceAndIsShared() throws Exception {
        try (Server server = TestServers.started(TestServers.settings(models).withWorkers(2))) {
            assertThat(server.models().isLoaded(TestServers.STUDENT)).isFalse();
            for (int i = 0; i < 3; i++) {
                assertThat(postJson(client, server, "/v1/generate", QUICK).statusCode()).isEqualTo(200);
            }
            assertThat(server.models().isLoaded(TestServers.STUDENT)).isTrue();
            assertThat(server.models().get(TestServers.STUDENT)).isSameAs(server.models().get(TestServers.STUDENT));
            assertThat(server.models().isLoaded(TestServers.TEACHER)).isFalse();
            JsonNode catalog = json(get(client, server, "/v1/models"));
            for (JsonNode model : catalog.path("models")) {
                assertThat(model.path("loaded").asBoolean()).isEqualTo(model.path("name").asText().equals(TestServers.STUDENT));
            }
        }
    }
}
