package dev.fewstep.metrics.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.data.FashionMnist;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageClassifierTest {
    private static final EncoderConfig TINY = TinyFeatures.CLASSIFIER;

    private static FeatureInfo trainTiny(Path dir) throws Exception {
        return TinyFeatures.classifier(dir);
    }

    @Test
    void trainsLoadsAndClassifiesFixtureImages(@TempDir Path dir) throws Exception {
        FeatureInfo trained = trainTiny(dir);
        assertThat(trained.extra()).containsKeys("test_accuracy", "train_seconds", "training", "step");
        assertThat(Double.parseDouble(trained.extra().get("test_accuracy"))).isGreaterThanOrEqualTo(0.9);
        assertThat(Files.exists(dir.resolve(FeatureTrainer.STATE))).isTrue();

        ImageDataset fresh = TinyModels.data(12, 1, 99);
        try (FeatureModel model = FeatureModel.load(dir)) {
            assertThat(model.info().kind()).isEqualTo(ImageClassifier.KIND);
            assertThat(model.info().prompts()).isEqualTo(TinyModels.PROMPTS);
            int[] predicted = model.classify(fresh.pixels(), fresh.count());
            assertThat(predicted).containsExactly(fresh.promptIndex());

            float[] features = model.features(fresh.pixels(), fresh.count());
            assertThat(features).hasSize(fresh.count() * TINY.featureDim());
            List<String> prompts = Arrays.stream(fresh.promptIndex()).mapToObj(TinyModels.PROMPTS::get).toList();
            assertThat(model.promptScores(fresh.pixels(), fresh.count(), prompts)).containsOnly(1f);
            List<String> wrong = Arrays.stream(fresh.promptIndex()).mapToObj(i -> TinyModels.PROMPTS.get((i + 1) % 3)).toList();
            assertThat(model.promptScores(fresh.pixels(), fresh.count(), wrong)).containsOnly(0f);
            assertThat(model.scoreName()).isEqualTo("promptAccuracy");
        }
    }

    @Test
    void refusesToOverwriteWithoutResume(@TempDir Path dir) throws Exception {
        trainTiny(dir);
        assertThatThrownBy(() -> trainTiny(dir)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resume");
    }

    @Test
    void rejectsAFileThatIsNoFeatureNetwork(@TempDir Path dir) throws Exception {
        Path teacher = TinyModels.teacher(dir, "t", 1);
        Files.copy(teacher.resolve("model.safetensors"), dir.resolve(FeatureModel.WEIGHTS));
        assertThatThrownBy(() -> FeatureModel.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("not a fewstep feature network");
    }

    /** The shipped classifier, when present, classifies real test images as well as its metadata says. */
    @Test
    void shippedFashionClassifierClassifiesTestImages() {
        Path shipped = Path.of("models", "fashion-features");
        Assumptions.assumeTrue(Files.isRegularFile(shipped.resolve(FeatureModel.WEIGHTS))
                && Files.isDirectory(FashionMnist.DEBIAN_DIR), "no shipped fashion-features or no Fashion-MNIST");
        ImageDataset test = FashionMnist.test(null);
        int count = 1000;
        try (FeatureModel model = FeatureModel.load(shipped)) {
            Assumptions.assumeTrue(model.info().extra().containsKey("test_accuracy"), "fashion-features is still training");
            int[] predicted = model.classify(Arrays.copyOf(test.pixels(), count * test.imageLength()), count);
            int correct = 0;
            for (int i = 0; i < count; i++) {
                correct += predicted[i] == test.promptIndex()[i] ? 1 : 0;
            }
            double claimed = Double.parseDouble(model.info().extra().get("test_accuracy"));
            // 1000 images: a binomial standard error of about 1 %; allow three.
            assertThat(correct / (double) count).isGreaterThan(claimed - 0.03);
        }
    }
}
