package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded burst: 64 concurrent requests against one worker and eight waiting slots. Every request must get a 200
 * or a 429 with Retry-After, within the time cap; /health must keep answering; the heap must not grow with the burst.
 */
class LoadTest {
    static final int REQUESTS = 64;
    static final int WORKERS = 1;
    static final int MAX_QUEUE = 8;
    static final Duration CAP = Duration.ofSeconds(30);
    /** The heap the burst may add, after a collection: images and JSON per request are a few kilobytes. */
    static final long HEAP_GROWTH_BOUND = 64L << 20;
    /** Generous for a loaded machine; a health check stuck behind nine generations would still exceed it. */
    static final Duration HEALTH_LIMIT = Duration.ofSeconds(5);

    @Test
    void everyRequestGets200Or429AndHealthAnswersThroughout(@TempDir Path models) throws Exception {
        TestServers.tinyModels(models);
        ServerSettings settings = TestServers.settings(models).withWorkers(WORKERS).withMaxQueue(MAX_QUEUE)
                .withRequestTimeout(CAP);
        try (Server server = TestServers.started(settings)) {
            HttpClient client = TestServers.client();
            // Four Euler steps on the tiny teacher: long enough that the burst overruns the queue, short enough that
            // the admitted nine finish well inside the cap on two cores shared with training jobs.
            String body = """
                    {"prompt": "stripes", "model": "tiny-teacher", "sampler": "euler", "steps": 4, "cfg": 1, "seed": 3}""";
            assertThat(postJson(client, server, "/v1/generate", body).statusCode()).isEqualTo(200); // warm: load model
            long heapBefore = usedHeapAfterCollection();

            HealthProbe probe = new HealthProbe(client, server);
            Thread probing = new Thread(probe, "health-probe");
            probing.start();
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                responses.add(client.sendAsync(TestServers.jsonPost(server, "/v1/generate", body).timeout(CAP).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(CAP.toSeconds() + 5, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            probe.stop();
            probing.join();

            Map<Integer, Integer> statuses = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> future : responses) {
                HttpResponse<String> response = future.join();
                statuses.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 429) {
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                }
            }
            System.out.printf("load: %d requests in %.1f s: %s; health probes %d, slowest %d ms, busiest seen %d, failures %d%n",
                    REQUESTS, seconds, statuses, probe.count.get(), probe.slowestMillis.get(), probe.busiest.get(),
                    probe.failures.size());

            assertThat(statuses.keySet()).as("statuses").isSubsetOf(200, 429);
            assertThat(statuses.get(200)).as("admitted").isGreaterThanOrEqualTo(WORKERS + MAX_QUEUE);
            assertThat(statuses.getOrDefault(429, 0)).as("refused").isPositive();
            assertThat(seconds).isLessThan(CAP.toSeconds());
            assertThat(probe.failures).as("health failures").isEmpty();
            assertThat(probe.count.get()).isPositive();
            assertThat(probe.slowestMillis.get()).as("slowest health answer, ms").isLessThan(HEALTH_LIMIT.toMillis());
            // Health answered while generations ran and waited, not only before and after the burst.
            assertThat(probe.busiest.get()).as("running + waiting seen by /health").isGreaterThanOrEqualTo(2);

            GenerationQueue.Status status = server.queue().status();
            assertThat(status.running()).isZero();
            assertThat(status.waiting()).isZero();
            assertThat(status.completed() - 1 + status.rejected()).isEqualTo(REQUESTS);

            long heapAfter = usedHeapAfterCollection();
            System.out.printf("load: heap %d MB before, %d MB after%n", heapBefore >> 20, heapAfter >> 20);
            assertThat(heapAfter - heapBefore).as("heap growth, bytes").isLessThan(HEAP_GROWTH_BOUND);
        }
    }

    private static long usedHeapAfterCollection() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Asks /health every 100 ms, recording failures, the slowest answer and the busiest queue it reported. */
    private static final class HealthProbe implements Runnable {
        final HttpClient client;
        final Server server;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong count = new AtomicLong();
        final AtomicLong slowestMillis = new AtomicLong();
        final AtomicLong busiest = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        HealthProbe(HttpClient client, Server server) {
            this.client = client;
            this.server = server;
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            HttpRequest request = HttpRequest.newBuilder(URI.create(TestServers.base(server) + "/health"))
                    .timeout(HEALTH_LIMIT).GET().build();
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failures.add("status " + response.statusCode());
                    } else {
                        JsonNode queue = TestServers.JSON.readTree(response.body()).path("queue");
                        busiest.accumulateAndGet(queue.path("running").asLong() + queue.path("waiting").asLong(), Math::max);
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                count.incrementAndGet();
                slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
