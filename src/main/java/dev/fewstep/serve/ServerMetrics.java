package dev.fewstep.serve;

import dev.fewstep.generate.Generation;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * {@code GET /metrics} in Prometheus' text format: requests by route and status, the queue, and what generation
 * costs (seconds, images, network evaluations) per model.
 *
 * <p>Labels take only bounded values, since every distinct value is a new time series kept for the server's life:
 * the route is the matched endpoint pattern, never the raw path (a scanner probing random paths would otherwise
 * grow memory without limit), and models are the folders of the models directory.
 */
final class ServerMetrics implements AutoCloseable {
    /** Prometheus' text exposition format 0.0.4, which every Prometheus version scrapes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String PATH = "/metrics";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Duration timeout;

    ServerMetrics(GenerationQueue queue, Duration timeout) {
        this.timeout = timeout;
        Gauge.builder("fewstep.queue.waiting", queue, q -> q.status().waiting()).strongReference(true)
                .description("admitted generations waiting for a worker").register(registry);
        Gauge.builder("fewstep.queue.running", queue, q -> q.status().running()).strongReference(true)
                .description("generations running on a worker").register(registry);
        FunctionCounter.builder("fewstep.queue.rejected", queue, q -> q.status().rejected())
                .description("generations refused with 429 because the queue was full").register(registry);
        queue.onGenerated(this::generated);
    }

    /** Counts a request once its answer is complete, with the status it got (after any error mapping). */
    void request(Context ctx) {
        registry.counter("fewstep.http.requests", "method", ctx.method().name(), "route", route(ctx),
                "status", Integer.toString(ctx.statusCode())).increment();
    }

    /**
     * One finished generation. NFE are counted per batch, as the network runs them: n images from one request share
     * each evaluation. Generations stopped part-way (client gone, time limit) are not counted here.
     */
    void generated(GenerationJob job, Generation.Result result) {
        String model = job.model().name();
        Timer.builder("fewstep.generation").description("time spent generating, without waiting in the queue")
                .tag("model", model).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(timeout)
                .register(registry).record(Duration.ofNanos(Math.round(result.seconds() * 1e9)));
        registry.counter("fewstep.images.generated", "model", model).increment(result.count());
        registry.counter("fewstep.nfe", "model", model).increment(result.nfe());
    }

    void scrape(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(CONTENT_TYPE).result(registry.scrape());
    }

    @Override
    public void close() {
        registry.close();
    }

    /** The endpoint's pattern ("/v1/generate"), "static" for the page's files, "unmatched" for anything else. */
    private static String route(Context ctx) {
        String path;
        try {
            path = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            path = null; // no endpoint matched: a static file or a 404
        }
        if (path != null && !path.isBlank() && !path.equals("*")) {
            return path;
        }
        return ctx.statusCode() == 404 ? "unmatched" : "static";
    }
}
