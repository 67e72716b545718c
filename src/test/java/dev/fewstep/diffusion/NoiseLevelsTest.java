package dev.fewstep.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NoiseLevelsTest {

    @Test
    void karrasLevelsRunFromSigmaMaxDownToSigmaMin() {
        int levels = 18;
        double rho = NoiseLevels.RHO;
        assertThat(NoiseLevels.karrasLevel(0, levels, 0.002, 80, rho)).isEqualTo(80);
        assertThat(NoiseLevels.karrasLevel(levels - 1, levels, 0.002, 80, rho)).isCloseTo(0.002, within(1e-15));
        assertThat(NoiseLevels.karrasLevel(0, 1, 0.002, 80, rho)).isEqualTo(80);
        // rho = 1 is a straight line from sigma_max to sigma_min.
        assertThat(NoiseLevels.karrasLevel(1, 3, 1, 9, 1)).isCloseTo(5, within(1e-12));
    }

    @Test
    void karrasAtTimeRisesFromSigmaMinToSigmaMax() {
        assertThat(NoiseLevels.karrasAtTime(0)).isCloseTo(NoiseLevels.SIGMA_MIN, within(1e-15));
        assertThat(NoiseLevels.karrasAtTime(1)).isEqualTo(NoiseLevels.SIGMA_MAX);
        // t is the ramp run backwards: sigma(t) = sigma at ramp 1 - t.
        assertThat(NoiseLevels.karrasAtTime(0.2)).isEqualTo(NoiseLevels.karras(0.8, 0.002, 80, 7));
    }

    @Test
    void karrasAtTimeOnTensorsAgreesWithTheScalarCurveToFloat32Precision() {
        double[] times = {0, 0.1, 0.37, 0.8, 1};
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] t = new float[times.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) times[i];
            }
            float[] sigma = NoiseLevels.karrasAtTime(manager.create(t)).toFloatArray();
            for (int i = 0; i < t.length; i++) {
                double expected = NoiseLevels.karrasAtTime(t[i]);
                assertThat((double) sigma[i]).isCloseTo(expected, within(1e-5 * expected));
            }
        }
    }

    @Test
    void logNormalHasLogMeanPMeanAndLogStandardDeviationPStd() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            for (NDArray sigma : new NDArray[] {
                    NoiseLevels.logNormal(manager, 20000, -1.2, 1.2),
                    NoiseLevels.logNormalFloat32(manager, 20000, -1.2, 1.2)}) {
                NDArray lnSigma = sigma.log();
                double mean = lnSigma.mean().getFloat();
                double std = Math.sqrt(lnSigma.sub(mean).square().mean().getFloat());
                // Standard errors: 1.2 / sqrt(20000) = 0.008 for the mean, about 0.006 for the deviation.
                assertThat(mean).isCloseTo(-1.2, within(0.04));
                assertThat(std).isCloseTo(1.2, within(0.03));
            }
        }
    }

    @Test
    void lambdaIsOneOverCOutSquared() {
        double sigmaData = 0.5;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray sigma = manager.create(new float[] {0.002f, 0.3f, 2f, 80f});
            float[] s = sigma.toFloatArray();
            float[][] variants = {NoiseLevels.lambda(sigma, sigmaData).toFloatArray(),
                    NoiseLevels.lambdaFloat32(sigma, sigmaData).toFloatArray()};
            for (float[] lambda : variants) {
                for (int i = 0; i < s.length; i++) {
                    double cOut = EdmDenoiser.cOut(s[i], sigmaData);
                    assertThat(lambda[i] * cOut * cOut).isCloseTo(1.0, within(1e-5));
                }
            }
        }
    }
}
