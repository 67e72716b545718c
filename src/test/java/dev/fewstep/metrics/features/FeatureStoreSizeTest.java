package dev.fewstep.metrics.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The yardstick picks the feature network made for a model's image side when there is one. */
class FeatureStoreSizeTest {
    @Test
    void aSizedNetworkBesideTheDefaultMeasuresModelsOfItsSide(@TempDir Path models) throws Exception {
        String previous = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", models.toString());
        try {
            Files.createDirectories(models.resolve("emoji-clip"));
            Files.writeString(models.resolve("emoji-clip").resolve(FeatureModel.WEIGHTS), "");
            assertThat(FeatureStore.forDataset("emoji", 64)).as("no 64 network: the default, filtered to it")
                    .isEqualTo(models.resolve("emoji-clip"));
            Files.createDirectories(models.resolve("emoji-clip-64"));
            Files.writeString(models.resolve("emoji-clip-64").resolve(FeatureModel.WEIGHTS), "");
            assertThat(FeatureStore.forDataset("emoji", 64)).isEqualTo(models.resolve("emoji-clip-64"));
            assertThat(FeatureStore.forDataset("emoji", 32)).isEqualTo(models.resolve("emoji-clip"));
        } finally {
            if (previous == null) {
                System.clearProperty("fewstep.models");
            } else {
                System.setProperty("fewstep.models", previous);
            }
        }
    }

    @Test
    void theEmojiTowerAt64HasOneMoreStageSoItsDenseLayerSeesTheSameMap() {
        EncoderConfig at32 = ClipTrainer.emojiEncoder(3, 32);
        EncoderConfig at64 = ClipTrainer.emojiEncoder(3, 64);
        assertThat(at32.widths()).containsExactly(16, 32, 64);
        assertThat(at64.widths()).containsExactly(16, 32, 64, 64);
        assertThat(at64.imageSize() >> at64.widths().length).isEqualTo(at32.imageSize() >> at32.widths().length);
    }
}
