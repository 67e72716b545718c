package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.generate.Generation;
import dev.fewstep.latent.TinyLatentModels;
import dev.fewstep.metrics.features.ClassifierTrainer;
import dev.fewstep.metrics.features.EncoderConfig;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.FeatureTrainConfig;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The yardstick on a latent model: its 32×32 decoded images measured by a 16×16 feature network, box-filtered to it
 * (as a 64×64 emoji model is measured by the 32×32 emoji networks).
 */
class LatentEvalTest {
    static final EncoderConfig AT_16 = new EncoderConfig(3, 16, new int[] {8, 16}, 16, 4);

    @TempDir
    static Path models;
    static Path features;
    static String previousRoot;

    @BeforeAll
    static void setUp() throws Exception {
        previousRoot = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", models.toString());
        TinyLatentModels.teacher(models, "tiny-ldm");
        features = models.resolve("features-16");
        FeatureTrainConfig config = new FeatureTrainConfig("fashion", 20, 16, 3e-3, 5, 7, 20);
        new ClassifierTrainer(config, AT_16, at16(TinyModels.data(60, 3, 1)), at16(TinyModels.data(15, 3, 2)), features)
                .train(TrainingLoop.Start.FRESH, LoopListener.NONE);
        try (FeatureModel model = FeatureModel.load(features)) {
            ReferenceSet.build(model, at16(TinyModels.data(30, 3, 5)), "fixture patterns at 16",
                    at16(TinyModels.data(30, 3, 6)), "more fixture patterns at 16", References.SEED)
                    .save(features.resolve(ReferenceSet.FILE));
        }
    }

    @AfterAll
    static void tearDown() {
        if (previousRoot == null) {
            System.clearProperty("fewstep.models");
        } else {
            System.setProperty("fewstep.models", previousRoot);
        }
    }

    private static ImageDataset at16(ImageDataset data) {
        return new ImageDataset(data.name(), data.channels(), 16,
                BoxFilter.downsample(data.pixels(), data.count(), data.channels(), data.size(), 16), data.promptIndex(),
                data.prompts());
    }

    @Test
    void theEvaluatorMeasuresALatentModelsImagesBoxFilteredToTheFeatureSide() {
        int n = 6;
        try (DiffusionModel model = DiffusionModel.load(models.resolve("tiny-ldm"));
                FeatureModel featureModel = FeatureModel.load(features)) {
            ReferenceSet reference = ReferenceSet.load(features.resolve(ReferenceSet.FILE));
            Evaluator evaluator = new Evaluator(featureModel, reference);
            EvalSettings settings = new EvalSettings("euler", 2, 2.0, n, 7, 4);
            EvalResult result = evaluator.evaluate(model, settings, images -> {});
            assertThat(result.measuredAt()).isEqualTo("16x16 (downsampled from 32x32 by a 2x2 box filter)");

            List<String> prompts = new ArrayList<>();
            for (int p : PromptSpread.indices(n, reference.prompts().size())) {
                prompts.add(reference.prompts().get(p));
            }
            Generation.Result generated = Generation.generate(model, prompts, 7, settings.budget(), e -> {});
            assertThat(generated.size()).isEqualTo(32);
            float[] filtered = BoxFilter.downsample(generated.pixels(), n, 3, 32, 16);
            double fid = FrechetDistance.between(GaussianStatistics.of(featureModel.features(filtered, n), n,
                    reference.dim()), reference.referenceStatistics());
            assertThat(result.fid()).isCloseTo(fid, within(1e-6 * Math.max(1, fid)));
        }
    }

    @Test
    void evalAndBenchAcceptALatentModelAndSayWhereTheyMeasured(@TempDir Path out) throws Exception {
        EvalCommandTest.Run eval = EvalCommandTest.run("eval", "--model", "tiny-ldm", "--features", "features-16",
                "--n", "4", "--sampler", "euler", "--steps", "2", "--json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("images measured at 16x16 (downsampled from 32x32");
        JsonNode json = eval.lastLineJson();
        assertThat(json.get("measuredAt").asText()).startsWith("16x16 (downsampled");
        assertThat(json.get("fid").asDouble()).isFinite();
        assertThat(json.get("nfe").asInt()).isEqualTo(2);

        EvalCommandTest.Run bench = EvalCommandTest.run("bench", "--model", "tiny-ldm", "--features", "features-16",
                "--n", "4", "--samplers", "euler", "--nfe", "1,2", "--no-adaptive", "--out", out.toString());
        assertThat(bench.exitCode()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("images measured at 16x16 (downsampled from 32x32");
        try (var files = Files.list(out)) {
            Path report = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
            JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile()).get("rows");
            assertThat(rows).hasSize(2);
            rows.forEach(row -> assertThat(row.get("measuredAt").asText()).startsWith("16x16 (downsampled"));
        }
    }
}
