package dev.fewstep.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events response written by the request's own thread. Writes report failure instead of throwing,
 * since a failed write means the client left and the caller should cancel its work, not log an error.
 */
final class EventStream {
    private final OutputStream out;
    private final ObjectMapper json;
    private boolean open = true;

    private EventStream(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    /** Commits a 200 {@code text/event-stream} response. */
    static EventStream start(HttpServletResponse response, ObjectMapper json) throws IOException {
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        // Keeps reverse proxies (nginx) from buffering the stream into one late chunk.
        response.setHeader("X-Accel-Buffering", "no");
        response.flushBuffer();
        return new EventStream(response.getOutputStream(), json);
    }

    /** Sends one event with a JSON payload; false when the client is gone. */
    boolean send(String event, Object data) {
        try {
            return write("event: " + event + "\ndata: " + json.writeValueAsString(data) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event + " event", e);
        }
    }

    /** A comment line: ignored by clients, keeps the connection visibly alive; false when the client is gone. */
    boolean comment(String text) {
        return write(": " + text + "\n\n");
    }

    boolean isOpen() {
        return open;
    }

    private boolean write(String text) {
        if (!open) {
            return false;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            open = false;
            return false;
        }
    }
}
