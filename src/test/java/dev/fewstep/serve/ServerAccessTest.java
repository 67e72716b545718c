package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.images.ImageGenerateParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A bearer token on the API and metrics, and one CORS origin, on a loopback server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerAccessTest {
    static final String TOKEN = "s3cret-token";
    static final String ORIGIN = "https://app.example";
    private Server server;
    private final HttpClient client = TestServers.client();

    @BeforeAll
    void start(@TempDir Path folder) throws Exception {
        Path tokenFile = Files.writeString(folder.resolve("token"), "  " + TOKEN + "\n");
        ServerAccess access = new ServerAccess(ORIGIN, ServerAccess.readToken(tokenFile));
        server = new Server(TestServers.settings(TestServers.tinyModels(folder.resolve("models"))), access);
        server.start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void apiAndMetricsNeedTheTokenHealthDoesNot() throws Exception {
        for (String path : new String[] {"/v1/models", "/metrics"}) {
            HttpResponse<String> none = send(path, null, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(TestServers.json(none).path("error").asText()).contains("Authorization: Bearer");
            assertThat(send(path, "Bearer not-" + TOKEN, null).statusCode()).as(path).isEqualTo(401);
            assertThat(send(path, "Bearer " + TOKEN, null).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(send("/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void openAiSdkSendsItsApiKeyAsTheToken() {
        OpenAIClient right = sdk(TOKEN);
        OpenAIClient wrong = sdk("sk-wrong");
        try {
            assertThat(right.models().list().data()).hasSize(2);
            // A generation also waits for the text encoder, which the server loads in the background: ending the
            // JVM while that native load runs crashes it, so this class must not finish before it.
            assertThat(right.images().generate(ImageGenerateParams.builder().prompt("stripes").model(TestServers.STUDENT)
                    .build()).data().orElseThrow()).hasSize(1);
            assertThatThrownBy(() -> wrong.models().list()).isInstanceOf(UnauthorizedException.class);
        } finally {
            right.close();
            wrong.close();
        }
    }

    @Test
    void onlyTheGivenOriginMayReadAnswersInABrowser() throws Exception {
        HttpResponse<String> allowed = send("/v1/models", "Bearer " + TOKEN, ORIGIN);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        HttpResponse<String> other = send("/v1/models", "Bearer " + TOKEN, "https://evil.example");
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        // The preflight carries no token (browsers never send one there) and must still pass.
        HttpRequest preflight = HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/v1/generate"))
                .timeout(Duration.ofSeconds(30)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").build();
        HttpResponse<String> answer = client.send(preflight, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(answer.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");
    }

    @Test
    void anotherHostNeedsATokenAndOriginsAreChecked(@TempDir Path models) {
        ServerSettings everywhere = TestServers.settings(models).withHost("0.0.0.0");
        assertThatThrownBy(() -> ServerAccess.OPEN.requireTokenUnlessLoopback(everywhere)).hasMessageContaining("--token-file");
        new ServerAccess(null, TOKEN).requireTokenUnlessLoopback(everywhere);
        ServerAccess.OPEN.requireTokenUnlessLoopback(TestServers.settings(models));
        assertThatThrownBy(() -> new ServerAccess("app.example/path", null)).hasMessageContaining("--cors");
    }

    private HttpResponse<String> send(String path, String authorization, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestServers.base(server) + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private OpenAIClient sdk(String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(TestServers.base(server) + "/v1").apiKey(apiKey).maxRetries(0).build();
    }
}
