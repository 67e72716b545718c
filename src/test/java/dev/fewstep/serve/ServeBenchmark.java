package dev.fewstep.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures a running {@code fewstep serve} over loopback: requests per second and p50/p95 latency of
 * {@code POST /v1/generate} with 1, 2, 4... concurrent clients, each sending its next request when the last returns.
 *
 * <pre>
 * java -cp CLASSPATH dev.fewstep.serve.ServeBenchmark --url http://127.0.0.1:8080 --model fashion-teacher \
 *     --sampler heun --steps 18 --clients 1,2,4 --requests 24
 * java -cp CLASSPATH dev.fewstep.serve.ServeBenchmark --write-tiny-models /tmp/bench-models
 * </pre>
 */
@Command(name = "serve-bench", mixinStandardHelpOptions = true,
        description = "Requests/s and p50/p95 latency of a running fewstep server, at several client counts.")
public final class ServeBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the server (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--model", description = "model name")
    String model;

    @Option(names = "--sampler", description = "sampler, for teachers")
    String sampler;

    @Option(names = "--steps", description = "steps, for teachers")
    Integer steps;

    @Option(names = "--cfg", defaultValue = "2.0", description = "guidance scale (default: ${DEFAULT-VALUE})")
    double cfg;

    @Option(names = "--prompt", defaultValue = "stripes", description = "prompt (default: ${DEFAULT-VALUE})")
    String prompt;

    @Option(names = "--clients", split = ",", defaultValue = "1,2,4", description = "client counts (default: ${DEFAULT-VALUE})")
    int[] clients;

    @Option(names = "--requests", defaultValue = "24", description = "requests per client count (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--warmup", defaultValue = "2", description = "unmeasured requests first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--write-tiny-models", description = "write a tiny teacher and student into this folder and exit")
    Path tinyModels;

    /** One client count's measurements. */
    record Measurement(int clients, int requests, int ok, int refused, double seconds, double p50Millis,
            double p95Millis, double meanServerSeconds, int nfe) {
        double requestsPerSecond() {
            return ok / seconds;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (tinyModels != null) {
            TinyModels.teacher(tinyModels, TestServers.TEACHER, 1);
            TinyModels.oneStep(tinyModels, TestServers.STUDENT, 1);
            System.out.println("wrote " + TestServers.TEACHER + " and " + TestServers.STUDENT + " to " + tinyModels);
            return 0;
        }
        if (model == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--model is required");
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = body();
        for (int i = 0; i < warmup; i++) {
            send(client, body);
        }
        System.out.printf("model %s, %s, %d requests per row%n", model, body, requests);
        System.out.println("clients  ok  429   req/s   p50 ms   p95 ms  server s/req  NFE");
        for (int count : clients) {
            Measurement m = measure(client, body, count);
            System.out.printf(Locale.ROOT, "%7d %3d %4d %7.2f %8.0f %8.0f %13.3f %4d%n", m.clients(), m.ok(), m.refused(),
                    m.requestsPerSecond(), m.p50Millis(), m.p95Millis(), m.meanServerSeconds(), m.nfe());
        }
        return 0;
    }

    private String body() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("prompt", prompt).put("model", model).put("seed", 1).put("n", 1);
        if (sampler != null) {
            node.put("sampler", sampler);
        }
        if (steps != null) {
            node.put("steps", steps);
        }
        node.put("cfg", cfg);
        return JSON.writeValueAsString(node);
    }

    private Measurement measure(HttpClient client, String body, int count) throws Exception {
        AtomicInteger remaining = new AtomicInteger(requests);
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        List<Double> serverSeconds = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger nfe = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(count);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            done.add(pool.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    long sent = System.nanoTime();
                    HttpResponse<String> response = send(client, body);
                    double millis = (System.nanoTime() - sent) / 1e6;
                    if (response.statusCode() == 200) {
                        latencies.add(millis);
                        JsonNode answer = JSON.readTree(response.body());
                        serverSeconds.add(answer.path("seconds").asDouble());
                        nfe.set(answer.path("nfe").asInt());
                    } else if (response.statusCode() == 429) {
                        refused.incrementAndGet();
                    } else {
                        throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double meanServer = serverSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return new Measurement(count, requests, sorted.length, refused.get(), seconds, percentile(sorted, 50),
                percentile(sorted, 95), meanServer, nfe.get());
    }

    private HttpResponse<String> send(HttpClient client, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/generate"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
