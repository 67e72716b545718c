package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.assertBadRequest;
import static dev.fewstep.serve.TestServers.get;
import static dev.fewstep.serve.TestServers.json;
import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.text.TextEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API over real HTTP on a random loopback port, against a tiny teacher and a tiny one-step student. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerApiTest {
    private Server server;
    private HttpClient client;

    @BeforeAll
    void start(@TempDir Path models) throws IOException {
        TestServers.tinyModels(models);
        server = TestServers.started(TestServers.settings(models));
        client = TestServers.client();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void bindsToLoopbackOnARandomPortByDefault() {
        assertThat(server.settings().host()).isEqualTo("127.0.0.1");
        assertThat(server.settings().isLoopback()).isTrue();
        assertThat(server.port()).isPositive();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void healthReportsModelsAndQueue() throws Exception {
        HttpResponse<String> response = get(client, server, "/health");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("models").asInt()).isEqualTo(2);
        assertThat(body.path("queue").path("workers").asInt()).isEqualTo(ServerSettings.DEFAULT_WORKERS);
        assertThat(body.path("queue").path("maxQueue").asInt()).isEqualTo(8);
    }

    @Test
    void listsTeachersAndStudentsWithNfeOptions() throws Exception {
        HttpResponse<String> response = get(client, server, "/v1/models");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("samplers")).extracting(JsonNode::asText).containsExactly("euler", "heun", "ddim", "dpmpp2m");
        // No fashion-teacher here, so the default is the one-step model.
        assertThat(body.path("default").asText()).isEqualTo(TestServers.STUDENT);
        List<String> names = new ArrayList<>();
        for (JsonNode model : body.path("models")) {
            names.add(model.path("name").asText());
            assertThat(model.path("dataset").asText()).isEqualTo("synthetic");
            assertThat(model.path("prompts")).extracting(JsonNode::asText).contains("bright square", "stripes");
            assertThat(model.path("scores").isObject()).isTrue();
            if (model.path("name").asText().equals(TestServers.TEACHER)) {
                assertThat(model.path("kind").asText()).isEqualTo("teacher");
                List<String> options = new ArrayList<>();
                model.path("nfeOptions").forEach(option -> options.add(
                        option.path("sampler").asText() + ":" + option.path("steps").asInt() + ":" + option.path("nfe").asInt()));
                assertThat(options).contains("heun:18:35", "euler:35:35", "dpmpp2m:10:10").doesNotContain("heun:3:5", "heun:5:9");
            } else {
                assertThat(model.path("kind").asText()).isEqualTo("student");
                assertThat(model.path("method").asText()).isEqualTo("sid");
                assertThat(model.path("nfeOptions")).hasSize(1);
                assertThat(model.path("nfeOptions").get(0).path("nfe").asInt()).isEqualTo(1);
            }
        }
        assertThat(names).containsExactly(TestServers.STUDENT, TestServers.TEACHER); // by name
    }

    @Test
    void generatesJsonWithPngsSecondsNfeAndSeed() throws Exception {
        HttpResponse<String> response = postJson(client, server, "/v1/generate", """
                {"prompt": "stripes", "model": "tiny-teacher", "sampler": "heun", "steps": 3, "cfg": 1.5, "seed": 42, "n": 2}
                """);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("model").asText()).isEqualTo(TestServers.TEACHER);
        assertThat(body.path("kind").asText()).isEqualTo("teacher");
        assertThat(body.path("nfe").asInt()).isEqualTo(5); // Heun: 2 * 3 - 1
        assertThat(body.path("seed").asLong()).isEqualTo(42);
        assertThat(body.path("seconds").asDouble()).isPositive();
        assertThat(body.path("images")).hasSize(2);
        assertThat(body.path("images").get(1).path("seed").asLong()).isEqualTo(43);
        for (JsonNode image : body.path("images")) {
            BufferedImage decoded = decode(image.path("png").asText());
            assertThat(decoded.getWidth()).isEqualTo(32);
            assertThat(decoded.getHeight()).isEqualTo(32);
        }
    }

    @Test
    void sameSeedGivesTheSameImage() throws Exception {
        String request = """
                {"prompt": "dark square", "model": "tiny-student", "seed": 7}""";
        String first = json(postJson(client, server, "/v1/generate", request)).path("images").get(0).path("png").asText();
        String second = json(postJson(client, server, "/v1/generate", request)).path("images").get(0).path("png").asText();
        String other = json(postJson(client, server, "/v1/generate", request.replace("7", "8"))).path("images").get(0).path("png").asText();
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void studentSpendsOneNfeAndReportsARandomSeedWhenNoneIsGiven() throws Exception {
        HttpResponse<String> response = postJson(client, server, "/v1/generate", """
                {"prompt": "bright square", "model": "tiny-student", "scale": 4}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("kind").asText()).isEqualTo("student");
        assertThat(body.path("nfe").asInt()).isEqualTo(1);
        assertThat(body.path("sampler").isNull()).isTrue();
        assertThat(body.path("seed").isIntegralNumber()).isTrue();
        assertThat(body.path("width").asInt()).isEqualTo(128);
        assertThat(decode(body.path("images").get(0).path("png").asText()).getWidth()).isEqualTo(128);
    }

    @Test
    void answersOnePngWhenAskedForImagePng() throws Exception {
        HttpRequest request = TestServers.jsonPost(server, "/v1/generate", """
                {"prompt": "stripes", "model": "tiny-teacher", "steps": 2, "seed": 5}""")
                .header("Accept", "image/png").build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("Fewstep-NFE")).hasValue("3");
        assertThat(response.headers().firstValue("Fewstep-Seed")).hasValue("5");
        assertThat(Double.parseDouble(response.headers().firstValue("Fewstep-Seconds").orElseThrow())).isPositive();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(32);
    }

    @Test
    void streamsProgressThenTheResult() throws Exception {
        HttpResponse<String> response = postJson(client, server, "/v1/generate/stream", """
                {"prompt": "stripes", "model": "tiny-teacher", "sampler": "euler", "steps": 6, "seed": 1}""");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        for (String block : response.body().split("\n\n")) {
            String event = null;
            String payload = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    payload = line.substring(6);
                }
            }
            if (event != null) {
                events.add(event);
                data.add(TestServers.JSON.readTree(payload));
            }
        }
        assertThat(events).first().isEqualTo("progress");
        assertThat(events).last().isEqualTo("result");
        assertThat(events.subList(0, events.size() - 1)).containsOnly("progress");
        for (JsonNode progress : data.subList(0, data.size() - 1)) {
            assertThat(progress.path("total").asInt()).isEqualTo(6);
            assertThat(progress.path("nfe").asInt()).isBetween(0, 6);
        }
        assertThat(data.get(data.size() - 2).path("nfe").asInt()).isEqualTo(6);
        JsonNode result = data.get(data.size() - 1);
        assertThat(result.path("nfe").asInt()).isEqualTo(6);
        assertThat(decode(result.path("images").get(0).path("png").asText()).getWidth()).isEqualTo(32);
    }

    @Test
    void servesTheOpenApiDescriptionWithTheServersLimits() throws Exception {
        HttpResponse<String> response = get(client, server, "/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode document = json(response);
        assertThat(document.path("openapi").asText()).startsWith("3.");
        assertThat(document.path("paths").fieldNames()).toIterable()
                .contains("/health", "/v1/models", "/v1/generate", "/v1/generate/stream", "/v1/images/generations", "/metrics");
        assertThat(document.at("/components/schemas/ImagesRequest/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrderElementsOf(Stream.concat(OpenAiApi.FIELDS.stream(),
                        OpenAiApi.FEWSTEP_FIELDS.stream()).toList());
        JsonNode fields = document.at("/components/schemas/GenerateRequest/properties");
        assertThat(fields.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(GenerationOrder.FIELDS);
        assertThat(fields.at("/steps/maximum").asInt()).isEqualTo(GenerateRequest.MAX_STEPS);
        assertThat(fields.at("/n/maximum").asInt()).isEqualTo(GenerateRequest.MAX_IMAGES);
        assertThat(fields.at("/cfg/maximum").asDouble()).isEqualTo(GenerateRequest.MAX_CFG);
        assertThat(fields.at("/prompt/maxLength").asInt()).isEqualTo(TextEncoder.MAX_PROMPT_LENGTH);
        assertThat(fields.at("/scale/maximum").asInt()).isEqualTo(GenerationOrder.MAX_SCALE);
        assertThat(fields.at("/seed/maximum").asLong()).isEqualTo(GenerateRequest.MAX_SEED);
        assertThat(fields.at("/steps/default").asInt()).isEqualTo(GenerationOrder.DEFAULT_STEPS);
        assertThat(fields.at("/sampler/default").asText()).isEqualTo(GenerationOrder.DEFAULT_SAMPLER);
    }

    @Test
    void servesThePageFromTheJarWithoutExternalResources() throws Exception {
        HttpResponse<String> page = get(client, server, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(Server.CONTENT_SECURITY_POLICY);
        assertThat(page.body()).contains("id=\"prompt\"", "id=\"generate\"", "/app.js", "/style.css");
        for (String asset : List.of("/", "/app.js", "/style.css")) {
            String text = get(client, server, asset).body();
            assertThat(text).as(asset).doesNotContainPattern("(src|href)=\"https?://");
            assertThat(text).as(asset).doesNotContain("@import url(http", "fetch('http");
        }
        assertThat(get(client, server, "/app.js").statusCode()).isEqualTo(200);
        assertThat(get(client, server, "/style.css").body()).contains("image-rendering: pixelated");
    }

    @Test
    void unknownPathsAndMethodsAreJsonErrors() throws Exception {
        HttpResponse<String> missing = get(client, server, "/v1/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asText()).contains("/v1/nothing");
        HttpResponse<String> wrongMethod = get(client, server, "/v1/generate");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }

    static Stream<Arguments> badRequests() {
        String longPrompt = "a".repeat(TextEncoder.MAX_PROMPT_LENGTH + 1);
        return Stream.of(
                Arguments.of("malformed JSON", "{\"prompt\": \"stripes\"", "body"),
                Arguments.of("not an object", "[1, 2]", "body"),
                Arguments.of("empty body", "", "body"),
                Arguments.of("unknown field", "{\"prompt\": \"stripes\", \"stpes\": 3}", "stpes"),
                Arguments.of("unknown model", "{\"prompt\": \"stripes\", \"model\": \"nope\"}", "model"),
                Arguments.of("model given as a path", "{\"prompt\": \"stripes\", \"model\": \"../tiny-teacher\"}", "model"),
                Arguments.of("unknown sampler", "{\"prompt\": \"stripes\", \"model\": \"tiny-teacher\", \"sampler\": \"magic\"}", "sampler"),
                Arguments.of("zero steps", "{\"prompt\": \"stripes\", \"steps\": 0}", "steps"),
                Arguments.of("too many steps", "{\"prompt\": \"stripes\", \"steps\": 1001}", "steps"),
                Arguments.of("fractional steps", "{\"prompt\": \"stripes\", \"steps\": 2.5}", "steps"),
                Arguments.of("steps as text", "{\"prompt\": \"stripes\", \"steps\": \"ten\"}", "steps"),
                Arguments.of("huge steps", "{\"prompt\": \"stripes\", \"steps\": 99999999999999}", "steps"),
                Arguments.of("zero images", "{\"prompt\": \"stripes\", \"n\": 0}", "n"),
                Arguments.of("too many images", "{\"prompt\": \"stripes\", \"n\": 65}", "n"),
                Arguments.of("negative cfg", "{\"prompt\": \"stripes\", \"cfg\": -1}", "cfg"),
                Arguments.of("cfg too large", "{\"prompt\": \"stripes\", \"cfg\": 21}", "cfg"),
                Arguments.of("cfg as text", "{\"prompt\": \"stripes\", \"cfg\": \"high\"}", "cfg"),
                Arguments.of("missing prompt", "{\"model\": \"tiny-teacher\"}", "prompt"),
                Arguments.of("empty prompt", "{\"prompt\": \"\"}", "prompt"),
                Arguments.of("blank prompt", "{\"prompt\": \"   \"}", "prompt"),
                Arguments.of("over-long prompt", "{\"prompt\": \"" + longPrompt + "\"}", "prompt"),
                Arguments.of("prompt not a string", "{\"prompt\": 5}", "prompt"),
                Arguments.of("negative seed", "{\"prompt\": \"stripes\", \"seed\": -1}", "seed"),
                Arguments.of("fractional seed", "{\"prompt\": \"stripes\", \"seed\": 1.5}", "seed"),
                Arguments.of("scale too large", "{\"prompt\": \"stripes\", \"scale\": 17}", "scale"));
    }

    @ParameterizedTest(name = "{0} -> 400 naming {2}")
    @MethodSource("badRequests")
    void badInputIsA400NamingTheField(String description, String body, String field) throws Exception {
        assertBadRequest(postJson(client, server, "/v1/generate", body), field);
        assertBadRequest(postJson(client, server, "/v1/generate/stream", body), field);
    }

    @Test
    void wrongOrMissingContentTypeIsA400() throws Exception {
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/v1/generate"))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"stripes\"}"))
                    .build();
            assertBadRequest(client.send(request, HttpResponse.BodyHandlers.ofString()), "Content-Type");
        }
        HttpRequest untyped = HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/v1/generate"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"stripes\"}"))
                .build();
        assertBadRequest(client.send(untyped, HttpResponse.BodyHandlers.ofString()), "Content-Type");
    }

    @Test
    void severalImagesAsOnePngIsA400() throws Exception {
        HttpRequest request = TestServers.jsonPost(server, "/v1/generate", "{\"prompt\": \"stripes\", \"n\": 4}")
                .header("Accept", "image/png").build();
        assertBadRequest(client.send(request, HttpResponse.BodyHandlers.ofString()), "n");
    }

    @Test
    void aLargeBodyIsReadAndItsPromptRefused() throws Exception {
        String large = "{\"prompt\": \"" + "a".repeat(100_000) + "\"}";
        assertBadRequest(postJson(client, server, "/v1/generate", large), "prompt");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutA500OrAHang() throws Exception {
        byte[] huge = ("{\"prompt\": \"" + "a".repeat((int) Server.MAX_BODY_BYTES) + "\"}").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            // Send from another thread: the server answers before reading the body and may stop reading.
            Thread sender = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + huge.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(huge);
                    out.flush();
                } catch (IOException e) {
                    // The server closed the connection on the unread body: allowed.
                }
            });
            sender.setDaemon(true);
            sender.start();
            String statusLine;
            try {
                statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            } catch (SocketException e) {
                statusLine = "reset"; // the server closed a connection with unread data: refused, not served
            }
            assertThat(statusLine).isIn("HTTP/1.1 413", "reset", "");
        }
        assertThat(get(client, server, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void acceptHeaderNegotiation() {
        assertThat(GenerateEndpoints.wantsPng("image/png")).isTrue();
        assertThat(GenerateEndpoints.wantsPng("image/png, application/json;q=0.5")).isTrue();
        assertThat(GenerateEndpoints.wantsPng("application/json, image/png;q=0.5")).isFalse();
        assertThat(GenerateEndpoints.wantsPng("*/*")).isFalse();
        assertThat(GenerateEndpoints.wantsPng(null)).isFalse();
        assertThat(GenerateEndpoints.wantsPng("image/png;q=0")).isFalse();
    }

    private static BufferedImage decode(String base64) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        assertThat(image).isNotNull();
        return image;
    }
}
