package dev.fewstep.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.generate.NonFiniteImagesException;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.sample.Sampler;
import dev.fewstep.text.TextEncoder;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fewstep HTTP server: the JSON API under {@code /v1} (with OpenAI's images API, {@link OpenAiApi}),
 * {@code /health}, {@code /metrics} (Prometheus), {@code /openapi.json} and the web page at {@code /}, all from one Javalin instance. Models load lazily and are shared; generation runs on a bounded
 * {@link GenerationQueue}.
 */
public final class Server implements AutoCloseable {
    /** The longest close() waits for the text encoder's warm-up (loading it takes a few seconds). */
    private static final long WARM_UP_WAIT_MILLIS = 60_000;
    private volatile Thread warmUp;
    /**
     * Bodies are a few hundred bytes, but the limit sits far above that on purpose: a larger body is refused (413)
     * before it is read in full, and clients that read the answer only after sending their whole body (Java's
     * HttpClient among them) can stall on that. Below the limit a body is read, and too long a prompt is a 400.
     * Javalin checks the limit against Content-Length; {@link RequestBody} enforces it on chunked bodies too.
     */
    static final int MAX_BODY_BYTES = 1 << 20;
    /**
     * The page and everything it loads come from this server: no CDN, no inline script. Images arrive as data: URLs.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final ServerSettings settings;
    private final ServerAccess access;
    private final ModelRegistry registry;
    private final GenerationQueue queue;
    private final ServerMetrics metrics;
    private final ObjectMapper json = new ObjectMapper();
    private final long startedNanos = System.nanoTime();
    private Javalin app;
    private Generate3dEndpoint threeD;
    private int port = -1;

    public Server(ServerSettings settings) {
        this(settings, ServerAccess.OPEN);
    }

    public Server(ServerSettings settings, ServerAccess access) {
        this.settings = settings;
        this.access = access;
        this.registry = new ModelRegistry(settings.modelsRoot());
        this.queue = new GenerationQueue(settings.workers(), settings.maxQueue(), settings.requestTimeout());
        this.metrics = new ServerMetrics(queue, settings.requestTimeout());
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound port (the chosen one when the settings ask for port 0)
     * @throws IllegalArgumentException when the host is not a valid address of this machine
     * @throws IllegalStateException when the address cannot be bound, such as a port in use
     */
    public synchronized int start() {
        if (app != null) {
            throw new IllegalStateException("the server is already started");
        }
        try {
            BindAddress.of(settings.host());
        } catch (IllegalArgumentException e) {
            close();
            throw e;
        }
        GenerateEndpoints generate = new GenerateEndpoints(registry, queue, json);
        OpenAiApi openAi = new OpenAiApi(registry, generate);
        threeD = new Generate3dEndpoint(settings.modelsRoot(), json);
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            // Runs after every request, errors and static files included, once its status is final.
            config.requestLogger.http((ctx, millis) -> metrics.request(ctx));
            if (access.corsOrigin() != null) {
                config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    rule.allowHost(access.corsOrigin());
                    // Browsers hide other response headers from scripts; these say what a generation cost.
                    List.of(GenerateEndpoints.SECONDS_HEADER, GenerateEndpoints.NFE_HEADER, GenerateEndpoints.SEED_HEADER,
                            GenerateEndpoints.MODEL_HEADER, "Retry-After").forEach(rule::exposeHeader);
                }));
            }
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
            });
            config.jetty.addConnector((jetty, http) -> {
                ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                // A request may wait silently for its images up to the time limit; Jetty must not drop it sooner.
                connector.setIdleTimeout(Math.max(30_000, settings.requestTimeout().toMillis() + 10_000));
                return connector;
            });
        });
        app.before(Server::securityHeaders);
        app.before(access::authorize);
        app.get("/health", this::health);
        app.get("/v1/models", this::models);
        app.get(ServerMetrics.PATH, metrics::scrape);
        app.post("/v1/generate", generate::generate);
        app.post("/v1/generate/stream", generate::stream);
        app.post(OpenAiApi.IMAGES_PATH, openAi::images);
        app.post(Generate3dEndpoint.PATH, threeD::generate);
        mapErrors(app);
        try {
            app.start();
        } catch (RuntimeException e) {
            app = null;
            close();
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
        port = app.port();
        warmUp();
        return port;
    }

    public int port() {
        return port;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    public String url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port + "/";
    }

    public ModelRegistry models() {
        return registry;
    }

    public GenerationQueue queue() {
        return queue;
    }

    public ServerSettings settings() {
        return settings;
    }

    /** Stops accepting requests, stops running generations, then frees the models. */
    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
        queue.close();
        metrics.close();
        awaitWarmUp();
        if (queue.isTerminated()) {
            registry.close();
            if (threeD != null) {
                threeD.close();
            }
        } else {
            // A worker is still inside a model; freeing its native memory now could crash the JVM.
            LOG.warn("leaving models loaded: a generation did not stop in time");
        }
    }

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("models", registry.count());
        body.put("queue", queue.status());
        body.put("uptimeSeconds", Math.round((System.nanoTime() - startedNanos) / 1e9));
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }

    private void models(Context ctx) {
        List<ModelRegistry.Entry> entries = registry.list();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("default", registry.defaultModel().orElse(null));
        body.put("samplers", Sampler.NAMES);
        body.put("defaults", Map.of("sampler", GenerationOrder.DEFAULT_SAMPLER, "steps", GenerationOrder.DEFAULT_STEPS,
                "cfg", GenerationOrder.DEFAULT_CFG, "n", GenerationOrder.DEFAULT_IMAGES));
        body.put("limits", Map.of("maxSteps", GenerateRequest.MAX_STEPS, "maxImages", GenerateRequest.MAX_IMAGES,
                "maxCfg", GenerateRequest.MAX_CFG, "maxPromptLength", TextEncoder.MAX_PROMPT_LENGTH,
                "maxScale", GenerationOrder.MAX_SCALE, "maxSeed", GenerateRequest.MAX_SEED,
                "timeoutSeconds", settings.requestTimeout().toSeconds()));
        body.put("models", entries.stream().map(entry -> ModelSummary.of(entry, registry.isLoaded(entry.name()))).toList());
        body.put("loras", AddOns.loras(registry.root()));
        body.put("policies", AddOns.policies(registry.root()));
        // OpenAI's model list in the same body: its SDKs read only these two fields and keep the others aside.
        body.put("object", "list");
        body.put("data", OpenAiApi.modelEntries(registry, entries));
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    /**
     * Bad input is a 400 naming the field, a full queue a 429; only the server's own failures are 500s. The
     * OpenAI-compatible endpoints answer the same statuses in OpenAI's error shape, and 404 for an unknown model.
     */
    private void mapErrors(Javalin javalin) {
        javalin.exception(InvalidRequestException.class, (e, ctx) -> fail(ctx,
                e instanceof UnknownModelException && OpenAiApi.speaksOpenAi(ctx) ? 404 : 400, e.getMessage(), e.field()));
        javalin.exception(IllegalArgumentException.class, (e, ctx) -> fail(ctx, 400, e.getMessage(), null));
        javalin.exception(QueueFullException.class, (e, ctx) -> {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            fail(ctx, 429, e.getMessage(), null);
        });
        javalin.exception(JobStoppedException.class, (e, ctx) -> {
            ctx.header("Retry-After", Integer.toString(queue.retryAfterSeconds()));
            fail(ctx, 503, e.getMessage(), null);
        });
        javalin.exception(NonFiniteImagesException.class, (e, ctx) -> fail(ctx, 500, e.getMessage(), null));
        javalin.exception(CheckpointException.class, (e, ctx) -> {
            LOG.error("cannot load a model", e);
            fail(ctx, 500, "the model could not be loaded: " + e.getMessage(), null);
        });
        javalin.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 413) {
                // The rest of the body is not wanted: closing spares Jetty from reading it to reuse the connection.
                ctx.header("Connection", "close");
                fail(ctx, 413, RequestBody.message(MAX_BODY_BYTES), "body");
                return;
            }
            fail(ctx, e.getStatus(), e.getMessage(), null);
        });
        javalin.exception(Exception.class, (e, ctx) -> {
            LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
            fail(ctx, 500, "internal error: " + e.getClass().getSimpleName(), null);
        });
        javalin.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                fail(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path(), null);
            }
        });
    }

    /** An error answer in the shape the endpoint's clients read: fewstep's own, or OpenAI's. */
    private static void fail(Context ctx, int status, String message, String field) {
        ctx.status(status).json(OpenAiApi.speaksOpenAi(ctx) ? OpenAiApi.error(status, message, field) : new ApiError(message, field));
    }

    /**
     * Loads the text encoder and embeds every model's vocabulary in the background, so the first request does not
     * pay for it (a prompt outside the vocabulary is compared with all of it: 1910 emoji names take seconds).
     */
    private void warmUp() {
        warmUp = new Thread(() -> {
            try {
                TextEncoder.get().embed("warm up");
                for (ModelRegistry.Entry entry : registry.list()) {
                    TextEncoder.get().embedAll(entry.info().prompts());
                }
            } catch (RuntimeException e) {
                LOG.warn("could not warm up the text encoder: {}", e.getMessage());
            }
        }, "fewstep-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Lets the warm-up finish before the server is gone: a JVM that exits while the ONNX runtime is still loading
     * the text encoder on that thread crashes inside the native library.
     */
    private void awaitWarmUp() {
        Thread thread = warmUp;
        if (thread != null) {
            try {
                thread.join(WARM_UP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
