package dev.fewstep.metrics.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.train.loop.LoopListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTextEncoderTest {

    /** Twelve named colours, two slightly different images each (like the Twitter and Google emoji). */
    static ImageDataset colours() {
        List<String> names = List.of("red", "green", "blue", "yellow", "black", "white", "orange", "purple", "pink",
                "brown", "grey", "cyan");
        float[][] rgb = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, 1, -1}, {-1, -1, -1}, {1, 1, 1}, {1, 0, -1},
                {0, -1, 0}, {1, 0.5f, 0.5f}, {0, -0.5f, -1}, {0, 0, 0}, {-1, 1, 1}};
        int size = 32;
        int length = 3 * size * size;
        float[] pixels = new float[names.size() * 2 * length];
        int[] promptIndex = new int[names.size() * 2];
        for (int i = 0; i < promptIndex.length; i++) {
            int name = i / 2;
            promptIndex[i] = name;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < size * size; p++) {
                    boolean inside = (p / size) >= 8 + i % 2 && (p / size) < 24 && (p % size) >= 8 && (p % size) < 24;
                    pixels[i * length + c * size * size + p] = inside ? rgb[name][c] : 1f;
                }
            }
        }
        return new ImageDataset("colours", 3, size, pixels, promptIndex, names);
    }

    @Test
    void trainsAndReportsRetrievalOnHeldOutNames(@TempDir Path dir) throws Exception {
        ImageDataset data = colours();
        FeatureTrainConfig config = new FeatureTrainConfig("emoji-clip", 12, 4, 2e-3, 3, 5, 100);
        EncoderConfig tiny = new EncoderConfig(3, 32, new int[] {8, 16}, 16, 4);
        FeatureInfo trained = new ClipTrainer(config, tiny, 8, data, dir).train(dev.fewstep.train.loop.TrainingLoop.Start.FRESH, LoopListener.NONE);
        long heldOut = data.prompts().stream().filter(HeldOutNames::isHeldOut).count();
        assertThat(trained.extra().get("heldout_names")).isEqualTo(Long.toString(heldOut));
        assertThat(trained.extra()).containsKeys("heldout_top1", "heldout_top5", "logit_scale");
        try (FeatureModel model = FeatureModel.load(dir)) {
            assertThat(model.scoreName()).isEqualTo("alignment");
            float[] scores = model.promptScores(data.pixels(), data.count(),
                    java.util.Arrays.stream(data.promptIndex()).mapToObj(data.prompts()::get).toList());
            for (float s : scores) {
                assertThat((double) s).isBetween(-1.0 - 1e-5, 1.0 + 1e-5);
            }
            // One pass of the encoder gives the features and the scores against several prompt lists at once.
            List<String> matched = java.util.Arrays.stream(data.promptIndex()).mapToObj(data.prompts()::get).toList();
            List<String> shifted = java.util.Arrays.stream(data.promptIndex())
                    .mapToObj(p -> data.prompts().get((p + 1) % data.prompts().size())).toList();
            FeatureModel.Measurement measured = model.measure(data.pixels(), data.count(), List.of(matched, shifted));
            assertThat(measured.features()).containsExactly(model.features(data.pixels(), data.count()));
            assertThat(measured.promptScores().get(0)).containsExactly(scores);
            assertThat(measured.promptScores().get(1)).containsExactly(model.promptScores(data.pixels(), data.count(), shifted));
            assertThat(measured.promptScores().get(1)).isNotEqualTo(scores);
            assertThatThrownBy(() -> model.measure(data.pixels(), data.count(), List.of(matched.subList(1, matched.size()))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("24 images but 23 prompts");
        }
    }

    @Test
    void shiftMovesThePictureAndFillsWithWhite() {
        ImageDataset data = colours();
        float[] out = new float[data.imageLength()];
        ClipTrainer.shift(data, 0, 2, 0, out, 0);
        // Row 16: the red square spans x 8..23, so after a shift of 2 it spans 10..25; red channel stays 1, green -1.
        int plane = 32 * 32;
        assertThat(out[plane + 16 * 32 + 9]).isEqualTo(1f);
        assertThat(out[plane + 16 * 32 + 10]).isEqualTo(-1f);
        assertThat(out[plane + 16 * 32 + 25]).isEqualTo(-1f);
        assertThat(out[plane + 16 * 32 + 26]).isEqualTo(1f);
        assertThat(out[plane + 16 * 32 + 0]).isEqualTo(1f);
    }

    @Test
    void heldOutNamesFollowTheDocumentedHash() {
        // Values from Python: int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], 'big').
        assertThat(HeldOutNames.hash("red apple")).isEqualTo(1359912144L);
        assertThat(HeldOutNames.hash("thumbs up sign")).isEqualTo(3185901762L);
        assertThat(HeldOutNames.isHeldOut("rocket")).isFalse();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            names.add("name " + i);
        }
        double fraction = names.stream().filter(HeldOutNames::isHeldOut).count() / 2000.0;
        assertThat(fraction).isCloseTo(0.1, within(0.02));
    }

    @Test
    void retrievalCountsTiesAgainstTheTruth() {
        float[] texts = {1, 0, 0, 1, -1, 0};
        float[] images = {0.9f, 0.1f, 0.1f, 0.9f, 0, 0};
        // Image 0 is closest to text 0 and image 1 to text 1; image 2 ties with every text, so it misses at k = 1.
        assertThat(Retrieval.topK(images, texts, new int[] {0, 1, 2}, 2, 1)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(Retrieval.topK(images, texts, new int[] {1, 0, 2}, 2, 1)).isCloseTo(0, within(1e-12));
        assertThat(Retrieval.topK(images, texts, new int[] {1, 0, 2}, 2, 3)).isCloseTo(1, within(1e-12));
    }
}
