package dev.fewstep.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import org.junit.jupiter.api.Test;

class EdmDenoiserTest {

    @Test
    void skipTendsToOneAndOutputScaleToZeroAsSigmaVanishes() {
        double sigmaData = EdmDenoiser.SIGMA_DATA;
        assertThat(EdmDenoiser.cSkip(1e-6, sigmaData)).isCloseTo(1.0, within(1e-9));
        assertThat(EdmDenoiser.cOut(1e-6, sigmaData)).isCloseTo(0.0, within(1e-5));
        // At sigma = sigma_data the skip and the network share the work equally (Karras et al. 2022, Eq. 7).
        assertThat(EdmDenoiser.cSkip(sigmaData, sigmaData)).isCloseTo(0.5, within(1e-12));
        // c_in scales the noisy input y + sigma n to unit variance when y has standard deviation sigma_data.
        double sigma = 3.0;
        assertThat(EdmDenoiser.cIn(sigma, sigmaData) * Math.sqrt(sigma * sigma + sigmaData * sigmaData)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void denoiserReturnsItsInputAtTinySigma() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet network = UNet.create(UNetConfig.tiny(1), manager);
            network.getParameters().values().forEach(p -> p.getArray().addi(manager.randomNormal(p.getArray().getShape()).muli(0.1)));
            EdmDenoiser denoiser = new EdmDenoiser(network);
            NDArray x = manager.randomNormal(new Shape(2, 1, 32, 32));
            NDArray out = denoiser.denoise(x, manager.full(new Shape(2), 1e-5f), Conditioning.of(manager.zeros(new Shape(2, 384))));
            assertThat(out.sub(x).abs().max().getFloat()).isLessThan(1e-3f);
        }
    }

    @Test
    void edmLossWeightCancelsTheOutputScale() {
        try (NDManager manager = NDManager.newBaseManager()) {
            EdmLoss loss = EdmLoss.paperDefaults();
            NDArray sigma = manager.create(new float[] {0.01f, 0.5f, 10f});
            float[] weight = loss.weight(sigma).toFloatArray();
            float[] s = sigma.toFloatArray();
            for (int i = 0; i < s.length; i++) {
                // lambda(sigma) * c_out(sigma)^2 = 1: the raw network's error has unit weight at every sigma.
                double cOut = EdmDenoiser.cOut(s[i], EdmDenoiser.SIGMA_DATA);
                assertThat(weight[i] * cOut * cOut).isCloseTo(1.0, within(1e-4));
            }
        }
    }
}
