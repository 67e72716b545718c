package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Servers over tiny random models on a free loopback port, and a small HTTP client for them. */
final class TestServers {
    static final String TEACHER = "tiny-teacher";
    static final String STUDENT = "tiny-student";
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Upper bounds for waiting on the queue; waits end as soon as the condition holds. Generous because these tests
     * may share two cores with training jobs running at a higher priority. An endless job would run for minutes, and
     * the tests check it was stopped (not finished), so these bounds do not blur what they test.
     */
    static final Duration STARTS = Duration.ofSeconds(60);
    static final Duration STOPS = Duration.ofSeconds(30);

    static {
        // The tests share two cores with training jobs. PyTorch's intra-op threads spin-wait for each other, and
        // when a core is busy elsewhere every network evaluation gets tens of times slower; one thread keeps these
        // tests fast and their timing steady. Set before any test here touches the engine (it reads this once).
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    private TestServers() {}

    /** Writes a tiny teacher and a tiny one-step student into {@code models}. */
    static Path tinyModels(Path models) throws IOException {
        TinyModels.teacher(models, TEACHER, 1);
        TinyModels.oneStep(models, STUDENT, 1);
        return models;
    }

    static ServerSettings settings(Path models) {
        return ServerSettings.defaults(models).withPort(0);
    }

    static Server started(ServerSettings settings) {
        Server server = new Server(settings);
        server.start();
        return server;
    }

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> get(HttpClient client, Server server, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base(server) + path)).timeout(Duration.ofSeconds(30)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postJson(HttpClient client, Server server, String path, String body)
            throws IOException, InterruptedException {
        return client.send(jsonPost(server, path, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder jsonPost(Server server, String path, String body) {
        return HttpRequest.newBuilder(URI.create(base(server) + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static String base(Server server) {
        return "http://127.0.0.1:" + server.port();
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Asserts a 400 whose JSON names {@code field}. */
    static void assertBadRequest(HttpResponse<String> response, String field) throws IOException {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.path("field").asText()).as("field of %s", response.body()).isEqualTo(field);
        assertThat(body.path("error").asText()).isNotBlank();
    }

    /**
     * Sends a generation request on a raw socket and returns the open socket, so a test can walk away from it
     * the way a closed browser tab does.
     */
    static Socket sendRaw(Server server, String path, String body) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** Reads whatever a raw socket has received until it closes or the timeout passes. */
    static String readAll(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        StringBuilder text = new StringBuilder();
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            }
        } catch (java.net.SocketTimeoutException e) {
            // Return what came so far.
        }
        return text.toString();
    }

    /** Polls until the condition holds or the time is up; returns whether it held. */
    static boolean eventually(Duration limit, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
