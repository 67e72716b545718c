package dev.fewstep.latent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatentScaleTest {

    private static double std(float[] values) {
        double mean = 0;
        for (float v : values) {
            mean += v / (double) values.length;
        }
        double squares = 0;
        for (float v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / values.length);
    }

    @Test
    void scaledLatentsHaveUnitVarianceAndUnscaleBack() {
        Random random = new Random(7);
        float[] z = new float[4096];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (0.3 + 5.5 * random.nextGaussian());
        }
        LatentScale scale = LatentScale.of(z);
        assertThat(std(scale.scaled(z))).isCloseTo(1.0, within(1e-5));
        assertThat(scale.scale()).isCloseTo(1 / std(z), within(1e-9));
        float[] back = scale.unscaled(scale.scaled(z));
        for (int i = 0; i < z.length; i++) {
            assertThat(back[i]).isCloseTo(z[i], within(1e-5f));
        }
    }

    @Test
    void constantLatentsAndBadScalesAreRefused() {
        assertThatThrownBy(() -> LatentScale.of(new float[] {2f, 2f, 2f})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("constant");
        assertThatThrownBy(() -> new LatentScale(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatentScale(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodedDatasetIsScaledAndTheDecoderUndoesTheScale() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            Autoencoder autoencoder = Autoencoder.create(AutoencoderConfig.tiny(32, 4), manager);
            ImageDataset images = TinyLatent.data(12, 2);
            LatentDataset.Encoded encoded = LatentDataset.encode(autoencoder, images);
            ImageDataset latents = encoded.latents();
            assertThat(latents.channels()).isEqualTo(4);
            assertThat(latents.size()).isEqualTo(8);
            assertThat(latents.count()).isEqualTo(12);
            assertThat(latents.promptIndex()).isEqualTo(images.promptIndex());
            assertThat(std(latents.pixels())).isCloseTo(1.0, within(1e-4));

            NDArray x = manager.create(images.pixels(), new Shape(12, 3, 32, 32));
            NDArray mean = autoencoder.encode(x).mean();
            NDArray scaled = manager.create(latents.pixels(), mean.getShape());
            LatentDecoder decoder = LatentDecoder.of(autoencoder, encoded.scale(), manager);
            float[] viaScale = decoder.apply(scaled).toFloatArray();
            float[] direct = autoencoder.decode(mean).toFloatArray();
            for (int i = 0; i < direct.length; i++) {
                assertThat(viaScale[i]).isCloseTo(direct[i], within(1e-4f));
            }
        }
    }
}
