package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A prompt outside the model's vocabulary still generates, and the answer says so with the nearest prompts. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptWarningsTest {
    private Server server;
    private final HttpClient client = TestServers.client();

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        server = TestServers.started(TestServers.settings(TestServers.tinyModels(dir.resolve("models"))));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPromptOutsideTheVocabularyComesBackWithAWarningNamingTheNearest() throws Exception {
        HttpResponse<String> response = postJson(client, server, "/v1/generate",
                "{\"prompt\": \"zebra crossing\", \"model\": \"tiny-student\", \"seed\": 3}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode warnings = TestServers.json(response).path("warnings");
        assertThat(warnings.isArray()).isTrue();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).asText()).startsWith("\"zebra crossing\" is not one of the 3 prompts")
                .contains("nearest: ").contains("\"stripes\"").contains("\"bright square\"").contains("\"dark square\"");
        assertThat(TestServers.json(response).path("images")).hasSize(1);
    }

    @Test
    void aVocabularyPromptHasAnEmptyWarningList() throws Exception {
        HttpResponse<String> response = postJson(client, server, "/v1/generate",
                "{\"prompt\": \"Stripes \", \"model\": \"tiny-student\", \"seed\": 3}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode warnings = TestServers.json(response).path("warnings");
        assertThat(warnings.isArray()).isTrue();
        assertThat(warnings).isEmpty();
    }

    @Test
    void theStreamsResultCarriesTheWarningToo() throws Exception {
        HttpResponse<String> response = postJson(client, server, "/v1/generate/stream",
                "{\"prompt\": \"zebra crossing\", \"model\": \"tiny-student\", \"seed\": 3}");
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        String result = body.substring(body.indexOf("event: result"));
        JsonNode data = TestServers.JSON.readTree(result.substring(result.indexOf("data: ") + 6).split("\n")[0]);
        assertThat(data.path("warnings")).hasSize(1);
        assertThat(data.path("warnings").get(0).asText()).contains("nearest: ");
    }
}
