package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.get;
import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The 1 MiB body limit holds for chunked bodies too, which carry no Content-Length for Javalin to check. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyLimitTest {
    /** Twice the limit: enough to cross it, small enough to send in full if a server read it all. */
    static final int SENT_BYTES = 2 * Server.MAX_BODY_BYTES;
    static final int CHUNK_BYTES = 16 * 1024;

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
    void aChunkedBodyOverTheLimitIsA413AndTheServerGoesOn() throws Exception {
        for (String path : new String[] {"/v1/generate", "/v1/generate/stream"}) {
            String response = sendChunked(path);
            assertThat(response).as(path).startsWith("HTTP/1.1 413");
            JsonNode body = TestServers.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(body.path("field").asText()).isEqualTo("body");
            assertThat(body.path("error").asText()).contains("larger than the limit of " + Server.MAX_BODY_BYTES + " bytes");
        }
        assertThat(get(client, server, "/health").statusCode()).isEqualTo(200);
        var generated = postJson(client, server, "/v1/generate",
                "{\"prompt\": \"stripes\", \"model\": \"tiny-student\", \"seed\": 1}");
        assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);
    }

    @Test
    void aChunkedBodyUnderTheLimitIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            CompletableFuture<String> answer = readResponse(socket);
            OutputStream out = socket.getOutputStream();
            out.write(chunkedHead("/v1/generate"));
            writeChunk(out, "{\"prompt\": \"stripes\", ".getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, "\"model\": \"tiny-student\", \"seed\": 7}".getBytes(StandardCharsets.US_ASCII));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = answer.get(60, TimeUnit.SECONDS);
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"seed\":7");
        }
    }

    /**
     * Streams a valid JSON body of {@link #SENT_BYTES} in chunks (a prompt followed by a long unknown field), and
     * stops sending as soon as the server answers or closes. A server that read it all would answer 400 for the
     * unknown field; one that enforces the limit answers 413 after about 1 MiB.
     */
    private String sendChunked(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            CompletableFuture<String> answer = readResponse(socket);
            byte[] padding = "x".repeat(CHUNK_BYTES).getBytes(StandardCharsets.US_ASCII);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(chunkedHead(path));
                writeChunk(out, "{\"prompt\": \"stripes\", \"padding\": \"".getBytes(StandardCharsets.US_ASCII));
                for (int sent = 0; sent < SENT_BYTES && !answer.isDone(); sent += CHUNK_BYTES) {
                    writeChunk(out, padding);
                }
                writeChunk(out, "\"}".getBytes(StandardCharsets.US_ASCII));
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // The server answered and closed the connection on the rest of the body: that is the point.
            }
            return answer.get(60, TimeUnit.SECONDS);
        }
    }

    private static byte[] chunkedHead(String path) {
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeChunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads the response on another thread while the test is still sending: a server that refuses the body early
     * may reset the connection, and a reset discards whatever the client had not read yet.
     */
    private static CompletableFuture<String> readResponse(Socket socket) throws IOException {
        socket.setSoTimeout(60_000);
        InputStream in = socket.getInputStream();
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int read;
                while (!complete(received.toString(StandardCharsets.UTF_8)) && (read = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, read);
                }
            } catch (IOException e) {
                // A reset after the answer: keep what arrived.
            }
            return received.toString(StandardCharsets.UTF_8);
        });
    }

    /** Whether a response's head and, by its Content-Length, its whole body have arrived. */
    private static boolean complete(String response) {
        int head = response.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        for (String line : response.substring(0, head).split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring(15).strip());
                return response.getBytes(StandardCharsets.UTF_8).length - head - 4 >= length;
            }
        }
        return false; // no length: read until the server closes
    }
}
