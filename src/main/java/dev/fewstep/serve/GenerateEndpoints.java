package dev.fewstep.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.generate.Vocabulary;
import dev.fewstep.model.DiffusionModel;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/generate} (JSON, or one PNG with {@code Accept: image/png}) and {@code POST /v1/generate/stream}
 * (Server-Sent Events: {@code progress} while waiting and running, then {@code result} or {@code error}).
 *
 * <p>Everything that can be refused is checked before a job is admitted, so bad input and a full queue get a plain
 * 400 or 429 even on the stream endpoint. While a job is pending the request thread polls it and the client's
 * connection; a client that leaves cancels its job, which frees its slot.
 */
final class GenerateEndpoints {
    /** How often a waiting request looks at its job and its client. */
    static final long POLL_MILLIS = 100;
    /** The longest a stream stays silent while its job waits, so proxies and clients see it is alive. */
    static final long HEARTBEAT_MILLIS = 2000;
    static final String SECONDS_HEADER = "Fewstep-Seconds";
    static final String NFE_HEADER = "Fewstep-NFE";
    static final String SEED_HEADER = "Fewstep-Seed";
    static final String MODEL_HEADER = "Fewstep-Model";

    /**
     * A {@code progress} event: network evaluations done of the total; state "waiting" (then {@code waiting} counts
     * the jobs waiting for a worker) or "running".
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Progress(String state, int nfe, int total, Integer waiting) {}

    /** An {@code error} event, for failures after the stream has started. */
    record StreamError(String error, int status) {}

    private final ModelRegistry registry;
    private final GenerationQueue queue;
    private final ObjectMapper json;

    GenerateEndpoints(ModelRegistry registry, GenerationQueue queue, ObjectMapper json) {
        this.registry = registry;
        this.queue = queue;
        this.json = json;
    }

    void generate(Context ctx) {
        boolean png = wantsPng(ctx.header("Accept"));
        GenerationOrder order = order(ctx);
        if (png && order.request().n() != 1) {
            throw new InvalidRequestException("n", "Accept: image/png returns one image; ask for n = 1, or accept application/json");
        }
        Finished finished = run(ctx, order);
        if (finished == null) {
            return; // the client left; there is nobody to answer
        }
        if (png) {
            ctx.contentType("image/png").result(GenerationResponse.png(finished.job(), finished.result(), 0, order.scale()));
        } else {
            ctx.json(withWarnings(GenerationResponse.of(finished.job(), finished.result(), order.scale()), finished.warnings()));
        }
    }

    /** A finished generation: its job and images, and what the client should know about its request. */
    record Finished(GenerationJob job, Generation.Result result, List<String> warnings) {}

    /**
     * Runs an order on the queue and waits for it, setting the headers that say what it cost. Shared by every
     * endpoint that answers once (this one and the OpenAI-compatible one), so both admit, time out and cancel alike.
     *
     * @return null when the client left first (its job is then cancelled)
     */
    Finished run(Context ctx, GenerationOrder order) {
        ClientConnection connection = ClientConnection.of(ctx);
        DiffusionModel model = registry.get(order.model(), order.loras());
        List<String> warnings = warnings(model, order);
        GenerationJob job = queue.submit(model, order.request(), order.control(model));
        Generation.Result result = await(job, connection);
        if (result == null) {
            return null;
        }
        if (connection.mustCloseAfterResponse()) {
            ctx.header("Connection", "close");
        }
        ctx.header(SECONDS_HEADER, String.format(Locale.ROOT, "%.4f", result.seconds()));
        ctx.header(NFE_HEADER, Integer.toString(result.nfe()));
        ctx.header(SEED_HEADER, Long.toString(order.request().seed()));
        ctx.header(MODEL_HEADER, model.name());
        return new Finished(job, result, warnings);
    }

    void stream(Context ctx) {
        GenerationOrder order = order(ctx);
        ClientConnection connection = ClientConnection.of(ctx);
        DiffusionModel model = registry.get(order.model(), order.loras());
        List<String> warnings = warnings(model, order);
        GenerationJob job = queue.submit(model, order.request(), order.control(model));
        EventStream events;
        try {
            events = EventStream.start(ctx.res(), json);
        } catch (IOException e) {
            job.cancel();
            return;
        }
        int total = job.plannedNfe();
        int sentNfe = -1;
        boolean sentRunning = false;
        long lastWrite = 0;
        while (!job.result().isDone()) {
            boolean running = job.hasStarted();
            int nfe = job.nfeDone();
            long now = System.nanoTime();
            boolean alive;
            if (nfe != sentNfe || running != sentRunning) {
                Integer waiting = running ? null : queue.status().waiting();
                alive = events.send("progress", new Progress(running ? "running" : "waiting", nfe, total, waiting));
                sentNfe = nfe;
                sentRunning = running;
                lastWrite = now;
            } else if (now - lastWrite > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)) {
                alive = events.comment("waiting");
                lastWrite = now;
            } else {
                alive = true;
            }
            if (!alive || connection.isClosed()) {
                job.cancel();
                return;
            }
            pause(job);
        }
        try {
            Generation.Result result = outcome(job);
            events.send("progress", new Progress("running", result.nfe(), total, null));
            events.send("result", withWarnings(GenerationResponse.of(job, result, order.scale()), warnings));
        } catch (JobStoppedException e) {
            if (e.reason() != JobStoppedException.Reason.CLIENT_GONE) {
                events.send("error", new StreamError(e.getMessage(), 503));
            }
        } catch (RuntimeException e) {
            events.send("error", new StreamError("generation failed: " + e.getMessage(), 500));
        }
    }

    /** What the request asks for: a JSON body, read within the server's size limit whatever its transfer encoding. */
    private GenerationOrder order(Context ctx) {
        requireJsonBody(ctx);
        return GenerationOrder.parse(RequestBody.read(ctx, Server.MAX_BODY_BYTES), registry::defaultModel);
    }

    /** What the client should know about its request; now only a prompt outside the model's vocabulary. */
    private static List<String> warnings(DiffusionModel model, GenerationOrder order) {
        return Vocabulary.warning(model.info().prompts(), order.request().prompt()).stream().toList();
    }

    /** The response with a {@code warnings} array, always present so that clients need not test for it. */
    private JsonNode withWarnings(GenerationResponse response, List<String> warnings) {
        ObjectNode body = json.valueToTree(response);
        body.set("warnings", json.valueToTree(warnings));
        return body;
    }

    /** The job's images, or null when the client left first (its job is then cancelled). */
    private static Generation.Result await(GenerationJob job, ClientConnection connection) {
        while (true) {
            try {
                job.result().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                return outcome(job);
            } catch (TimeoutException e) {
                if (connection.isClosed()) {
                    job.cancel();
                    return null;
                }
            } catch (ExecutionException e) {
                return outcome(job);
            } catch (InterruptedException e) {
                job.cancel();
                Thread.currentThread().interrupt();
                throw new JobStoppedException(JobStoppedException.Reason.SHUTDOWN, "the server is shutting down");
            }
        }
    }

    /** The result of a finished job, rethrowing its failure as it was thrown. */
    private static Generation.Result outcome(GenerationJob job) {
        try {
            return job.result().getNow(null);
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static void pause(GenerationJob job) {
        try {
            job.result().get(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Either way the loop looks at the job again.
        } catch (InterruptedException e) {
            job.cancel();
            Thread.currentThread().interrupt();
        }
    }

    /** Only JSON bodies are accepted: a form post or plain text must not be guessed at. */
    static void requireJsonBody(Context ctx) {
        String contentType = ctx.header("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new InvalidRequestException("Content-Type", contentType == null
                    ? "the request needs Content-Type: application/json"
                    : "Content-Type must be application/json, got " + contentType);
        }
    }

    /** Whether the client prefers one PNG over JSON: image/png ranks above application/json in its Accept header. */
    static boolean wantsPng(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double png = -1;
        double jsonQuality = -1;
        for (String part : accept.split(",")) {
            String[] pieces = part.split(";");
            String type = pieces[0].strip().toLowerCase(Locale.ROOT);
            double quality = 1;
            for (int i = 1; i < pieces.length; i++) {
                String parameter = pieces[i].strip();
                if (parameter.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            if (type.equals("image/png")) {
                png = Math.max(png, quality);
            } else if (type.equals("application/json")) {
                jsonQuality = Math.max(jsonQuality, quality);
            }
        }
        return png > 0 && png > jsonQuality;
    }
}
