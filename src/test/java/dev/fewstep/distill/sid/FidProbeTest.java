package dev.fewstep.distill.sid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.cli.Main;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.References;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.TinyFeatures;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.loop.History;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FID probe on the yardstick's tiny fixture classifier, through {@code distill sid --fid-features}. */
class FidProbeTest {
    @TempDir
    Path dir;

    @Test
    void distillationLogsAFidCurveWhenAFeatureNetworkIsGiven() throws Exception {
        Path features = dir.resolve("tiny-features");
        TinyFeatures.classifier(features);
        try (FeatureModel model = FeatureModel.load(features)) {
            ImageDataset reference = TinyModels.data(60, 1, 5);
            ImageDataset floor = TinyModels.data(60, 1, 6);
            ReferenceSet.build(model, reference, "fixture patterns", floor, "more fixture patterns", References.SEED)
                    .save(features.resolve(ReferenceSet.FILE));
        }
        Path teacher = TinyModels.teacher(dir, "fid-teacher", 1);
        Path out = dir.resolve("fid-sid");
        int code = Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", out.toString(), "--batch", "2",
                "--iterations", "2", "--probe-every", "1", "--probe-images", "6", "--fid-features", features.toString(),
                "--fid-images", "12");
        assertThat(code).isZero();
        List<Map<String, Object>> lines = History.read(out.resolve(SidDistillation.LOG));
        assertThat(lines).hasSize(3);
        for (Map<String, Object> line : lines) {
            assertThat(((Number) line.get("fid")).doubleValue()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(((Number) line.get("fid_floor")).doubleValue()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(line).containsKey("promptAccuracy").containsEntry("fid_images", 12.0);
            // the classifier's 0/1 scores: s.e. = sqrt(p (1 - p) / (n - 1))
            double accuracy = ((Number) line.get("promptAccuracy")).doubleValue();
            assertThat(((Number) line.get("promptAccuracyStandardError")).doubleValue())
                    .isCloseTo(Math.sqrt(accuracy * (1 - accuracy) / 11), org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(History.plot(out.resolve(SidDistillation.LOG), dir.resolve("curve.png"))).isEqualTo("fid");
        // An unknown feature network is bad input.
        assertThat(Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", dir.resolve("x").toString(),
                "--fid-features", dir.resolve("missing").toString())).isEqualTo(Main.BAD_INPUT);
    }
}
