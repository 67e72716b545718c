package dev.fewstep.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fewstep.distill.sid.SidConfig;
import dev.fewstep.distill.sid.SidDistillation;
import dev.fewstep.distill.sid.SidSetup;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.TeacherTraining;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import dev.fewstep.train.loop.TrainingMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the shared training loop and the model kinds' generators must not have changed: the shipped models' images
 * and the losses of tiny SiD, SiDA and teacher runs, pinned to the values the code gave before they existed
 * (recorded on 2026-12-03 with the one-step generator, SidDistiller and TeacherTrainer of commit d86114f). Images are
 * pinned as the SHA-256 of their 8-bit pixels, what a PNG holds; losses to 1e-6 relative.
 */
class PinnedBehaviourTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} \"{1}\" {2} {3}")
    @CsvSource({
        "fashion-teacher, Sneaker,    dpmpp2m, 4,  4, 656523cdb43544aa50d05e6c5229dfe3e68cbcfc83f6c4598ef533a7f8a8e938",
        "fashion-teacher, Ankle boot, heun,    2,  3, 0eab86c5e7849c9135dcc698c488b8339ce21e80cf69e1fff769dfaf16bc7843",
        "fashion-sid,     Sneaker,    heun,    18, 1, 49ccaf4408d287259336921b6b4c484032397f42b9192b998456945970f8f230",
        "fashion-sida,    Bag,        heun,    18, 1, 5eb379028cd7208bbaa6cfce6149f942b1101c96aa7a56ad953afb674ce6f8b3",
        "emoji-teacher,   red heart,  dpmpp2m, 3,  3, a87b24bee0ab1c420b8b2d3a06a288e6a0e1b869f62b828581af2712aaec0d11",
        "emoji-sid,       red heart,  heun,    18, 1, ac30cf3ea8226246aa5d951d2a6e89ef56e01317b2c434bdd65d56fbc3eeaec9"})
    void shippedModelsGiveTheirPinnedImages(String model, String prompt, String sampler, int steps, int nfe, String sha256)
            throws Exception {
        try (DiffusionModel loaded = DiffusionModel.load(Path.of("models", model))) {
            Generation.Result result = Generation.generate(loaded, List.of(prompt, prompt, prompt, prompt), 0,
                    new Budget(sampler, steps, 2.0), evaluation -> {});
            assertThat(result.nfe()).isEqualTo(nfe);
            assertThat(sha256(result.pixels())).isEqualTo(sha256);
        }
    }

    @Test
    void aTinySidRunGivesItsPinnedLosses() throws IOException {
        List<double[]> losses = distil(null);
        assertLosses(losses, new double[][] {
            {0.7799226641654968, 6.883904570713639E-4},
            {0.13688504695892334, 0.0036237731110304594},
            {0.9306824207305908, 0.0012217825278639793}});
    }

    @Test
    void aTinyMatchingAwareSidaRunGivesItsPinnedLosses() throws IOException {
        List<double[]> losses = distil(new SidConfig.Sida(true));
        assertLosses(losses, new double[][] {
            {0.779701828956604, Double.NaN}, // the generator waits for its warm-up
            {0.13608503341674805, 0.003601634409278631},
            {0.9308236837387085, 0.0012629799311980605}});
    }

    @Test
    void aTinyTeacherRunGivesItsPinnedLosses() throws IOException {
        TrainConfig config = new TrainConfig("synthetic", 5, 8, 1e-3, 10, 0.9, 0.1, 5, 2, 8);
        List<double[]> losses;
        try (TeacherTraining training = new TeacherTraining(config, TinyModels.data(60, 1, 3))) {
            losses = run(training, dir.resolve("teacher"), "loss", "loss");
        }
        assertLosses(losses, new double[][] {{1.5515385866165161}, {1.969734787940979}, {1.3157469034194946},
            {1.6619913578033447}, {1.3080437183380127}});
    }

    /** Three iterations of batch 2 from a tiny teacher, SiD's defaults otherwise; SiDA's generator waits 2 images. */
    private List<double[]> distil(SidConfig.Sida sida) throws IOException {
        Path teacherDir = TinyModels.teacher(dir, "tiny-teacher", 1);
        SidConfig d = SidConfig.DEFAULTS;
        SidConfig config = new SidConfig(d.loss(), d.guidance(), new SidConfig.Optimiser(1e-3, 1e-3, 0.0, 0.999, 1e-8, 1,
                50_000, 0.05), new SidConfig.Run(2, 3, 1, 2, 2, sida == null ? 0 : 2), sida);
        Path out = dir.resolve("student");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir);
                SidDistillation distillation = new SidDistillation(config, teacher,
                        SidSetup.of(teacherDir, out, sida == null ? null : TinyModels.data(12, 1, 3), null))) {
            return run(distillation, out, "fake_loss", "generator_loss");
        }
    }

    private static List<double[]> run(TrainingMethod method, Path out, String... names) throws IOException {
        List<double[]> losses = new ArrayList<>();
        new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, new LoopListener() {
            @Override
            public void started(long firstIteration, long totalIterations) {}

            @Override
            public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
                double[] values = new double[names.length];
                for (int i = 0; i < names.length; i++) {
                    values[i] = metrics.get(names[i]);
                }
                losses.add(values);
            }
        }, Probe.NONE);
        return losses;
    }

    private static void assertLosses(List<double[]> actual, double[][] pinned) {
        assertThat(actual).hasSize(pinned.length);
        for (int i = 0; i < pinned.length; i++) {
            double[] row = actual.get(i);
            for (int j = 0; j < pinned[i].length && j < row.length; j++) {
                if (Double.isNaN(pinned[i][j])) {
                    assertThat(row[j]).as("iteration %d, value %d", i + 1, j).isNaN();
                } else {
                    assertThat(row[j]).as("iteration %d, value %d", i + 1, j)
                            .isCloseTo(pinned[i][j], within(1e-6 * Math.abs(pinned[i][j])));
                }
            }
        }
    }

    private static String sha256(float[] pixels) throws NoSuchAlgorithmException {
        byte[] bytes = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            bytes[i] = (byte) Math.round(Math.max(0f, Math.min(1f, (pixels[i] + 1f) / 2f)) * 255f);
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
