package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.get;
import static dev.fewstep.serve.TestServers.postJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics}: scraped before and after real requests, the counters move by exactly what was done. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
    private Server server;
    private final HttpClient client = TestServers.client();

    @BeforeAll
    void start(@TempDir Path models) throws IOException {
        server = TestServers.started(TestServers.settings(TestServers.tinyModels(models)));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void countersMoveByTheRequestsMade() throws Exception {
        String before = scrape();
        HttpResponse<String> ok = postJson(client, server, "/v1/generate",
                "{\"prompt\": \"stripes\", \"model\": \"tiny-student\", \"n\": 3, \"seed\": 1}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        HttpResponse<String> bad = postJson(client, server, "/v1/generate", "{\"prompt\": \"stripes\", \"steps\": 0}");
        assertThat(bad.statusCode()).isEqualTo(400);
        String after = scrape();

        String generate200 = "fewstep_http_requests_total{method=\"POST\",route=\"/v1/generate\",status=\"200\"}";
        String generate400 = "fewstep_http_requests_total{method=\"POST\",route=\"/v1/generate\",status=\"400\"}";
        assertThat(value(after, generate200) - value(before, generate200)).isEqualTo(1);
        assertThat(value(after, generate400) - value(before, generate400)).isEqualTo(1);
        String images = "fewstep_images_generated_total{model=\"tiny-student\"}";
        assertThat(value(after, images) - value(before, images)).isEqualTo(3);
        String nfe = "fewstep_nfe_total{model=\"tiny-student\"}";
        assertThat(value(after, nfe) - value(before, nfe)).as("one step for the batch of three").isEqualTo(1);
        String count = "fewstep_generation_seconds_count{model=\"tiny-student\"}";
        assertThat(value(after, count) - value(before, count)).isEqualTo(1);
        assertThat(value(after, "fewstep_generation_seconds_sum{model=\"tiny-student\"}")).isPositive();
        // A histogram: cumulative buckets ending in +Inf, which holds every observation.
        assertThat(value(after, "fewstep_generation_seconds_bucket{model=\"tiny-student\",le=\"+Inf\"}"))
                .isEqualTo(value(after, count));
        assertThat(value(after, "fewstep_queue_waiting")).isZero();
        assertThat(value(after, "fewstep_queue_running")).isZero();
        // The first scrape counted itself once it had answered.
        assertThat(value(after, "fewstep_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"200\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void unknownPathsShareOneSeries() throws Exception {
        get(client, server, "/no-such-" + System.nanoTime());
        get(client, server, "/another-" + System.nanoTime());
        String text = scrape();
        assertThat(value(text, "fewstep_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(text).doesNotContain("no-such-", "another-");
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = get(client, server, "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    /** The sample whose name and labels are exactly {@code series}; 0 when it is absent (a counter not yet moved). */
    private static double value(String text, String series) {
        return Arrays.stream(text.split("\n"))
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip().split(" ")[0]))
                .findFirst().orElse(0);
    }
}
