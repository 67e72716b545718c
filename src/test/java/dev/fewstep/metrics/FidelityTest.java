package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fidelity measures on cases with known answers. */
class FidelityTest {
    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i % 17) / 8.5f - 1;
        }
        return x;
    }

    @Test
    void psnrOfAUniformShiftIsTenLogOfOneOverItsSquare() {
        float[] a = ramp(2 * 64);
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i] + 0.2f; // 0.1 on [0, 1]: MSE 0.01, PSNR 20 dB
        }
        assertThat(Fidelity.psnr(b, a, 2)).isCloseTo(20, within(1e-4));
    }

    @Test
    void ssimIsOneForIdenticalImagesAndLowerForNoise() {
        float[] a = ramp(2 * 16 * 16);
        assertThat(Fidelity.ssim(a, a, 2, 1, 16)).isCloseTo(1, within(1e-9));
        float[] noisy = a.clone();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += (float) random.nextGaussian() * 0.3f;
        }
        assertThat(Fidelity.ssim(noisy, a, 2, 1, 16)).isLessThan(0.9);
    }

    @Test
    void poolingAveragesBlocks() {
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = i;
        }
        // 4x4 pooled by 2: blocks {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}
        assertThat(Fidelity.pool(image, 1, 1, 4, 2)).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
    }

    @Test
    void outsideMaskErrorIgnoresTheHole() {
        float[] truth = new float[4];
        float[] out = {1, 0.5f, 0, 0};
        float[] mask = {1, 0, 0, 0};
        assertThat(Fidelity.outsideMaskError(out, truth, mask, 1, 1, 2)).isCloseTo(0.5 / 3, within(1e-9));
    }

    @Test
    void edgeF1CountsSharedEdgePixels() {
        float[] predicted = {1, 1, -1, -1};
        float[] condition = {1, -1, 1, -1};
        assertThat(Fidelity.edgeF1(predicted, condition, 1)).isCloseTo(0.5, within(1e-9));
        assertThat(Fidelity.edgeF1(new float[] {-1, -1}, new float[] {-1, -1}, 1)).isEqualTo(1.0);
    }
}
