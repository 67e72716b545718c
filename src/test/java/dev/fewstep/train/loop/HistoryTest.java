package dev.fewstep.train.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    private static Map<String, Object> line(long iteration, Double fid) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("iteration", iteration);
        line.put("fake_loss", 0.5 / (iteration + 1));
        line.put("generator_loss", -0.01);
        if (fid != null) {
            line.put("fid", fid);
        }
        return line;
    }

    @Test
    void truncatesOnResumeAndPlotsFidWhenPresentElseLosses() throws Exception {
        History log = new History(dir.resolve("log.jsonl"));
        log.append(line(0, null));
        log.append(line(100, null));
        log.append(line(200, null));
        log.truncateAfter(100);
        assertThat(History.read(log.file())).hasSize(2);
        Path png = dir.resolve("plot.png");
        assertThat(History.plot(log.file(), png)).isEqualTo("losses");
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(800);
        log.append(line(200, 42.0));
        log.append(line(300, 30.5));
        assertThat(History.plot(log.file(), png)).isEqualTo("fid");
        log.truncateAfter(-1);
        assertThat(History.read(log.file())).isEmpty();
    }

    @Test
    void withinPromptSpreadIsZeroForIdenticalImagesAndPositiveOtherwise() {
        float[] identical = {1, 2, 1, 2, 5, 5, 5, 5};
        assertThat(SampleStatisticsProbe.withinPromptStd(identical, 2, 2, 2)).isZero();
        float[] different = {0, 0, 1, 1, 5, 5, 5, 5};
        assertThat(SampleStatisticsProbe.withinPromptStd(different, 2, 2, 2)).isEqualTo(0.25);
    }
}
