package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSpeedCommandTest {
    @TempDir
    Path dir;

    @Test
    void jsonOnTheLastLineNamesEveryMeasurement() throws Exception {
        Path model = TinyModels.teacher(dir, "tiny", 1);
        CliTest.Run run = CliTest.run("bench", "speed", "--model", model.toString(), "--json", "--min-seconds", "0.01");
        assertThat(run.exit()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("flopsPerImage").asLong()).isPositive();
        assertThat(json.get("peakGflops").asDouble()).isPositive();
        for (String batch : new String[] {"1", "16", "64"}) {
            assertThat(json.get("forwardImagesPerSecond").get(batch).asDouble()).as(batch).isPositive();
        }
        assertThat(json.get("trainImagesPerSecond").asDouble()).isPositive();
        assertThat(json.get("trainPeakShare").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("sidIterationSeconds").asDouble()).isPositive();
        assertThat(json.get("forwardSecondsByKind").has("convolution")).isTrue();
        assertThat(json.get("sampling").get("outsideNetworkShare").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void benchWithoutASubcommandStillAsksForItsModel() {
        CliTest.Run run = CliTest.run("bench");
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("Missing required option: '--model");
    }
}
