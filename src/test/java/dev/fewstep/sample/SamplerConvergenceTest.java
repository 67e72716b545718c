package dev.fewstep.sample;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import org.junit.jupiter.api.Test;

/**
 * The samplers against the exact probability-flow ODE of Gaussian data. For data ~ N(0, sigma_d^2 I) the ideal
 * denoiser is linear, D(x; sigma) = sigma_d^2 / (sigma^2 + sigma_d^2) x, and dx/dsigma = (x - D(x; sigma)) / sigma
 * is solved by x(sigma) = x(sigma_0) sqrt(sigma^2 + sigma_d^2) / sqrt(sigma_0^2 + sigma_d^2).
 *
 * <p>The samplers run on their own Karras schedule. Its last step, from sigma_min to 0, does not shrink as steps are
 * added, and every sampler takes it the same way: it returns D(x; sigma_min) (Euler's step to 0 is D, Heun skips
 * its correction there, DPM-Solver++ returns its denoised estimate). So the output is compared with D applied to
 * the exact x(sigma_min): what is left is the integration error on [sigma_min, sigma_max], which should fall as
 * h^p when the number of intervals doubles. Everything runs in float64 so rounding does not flatten the order.
 */
class SamplerConvergenceTest {
    private static final double SIGMA_DATA = 0.5;
    /** Intervals between sigma_max and sigma_min in the coarse run; the fine run halves every one of them. */
    private static final int INTERVALS = 32;
    private static final double[] NOISE = {1, -0.5, 2, 0.25, -1.5, 0.75, 0.1, -2};

    @Test
    void eulerConvergesAtFirstOrder() {
        assertThat(observedOrder(new EulerSampler())).isBetween(0.8, 1.3);
    }

    @Test
    void ddimConvergesAtFirstOrder() {
        // In the EDM variables DDIM's update x' = D + sigma' (x - D) / sigma is an Euler step.
        assertThat(observedOrder(new DdimSampler())).isBetween(0.8, 1.3);
    }

    @Test
    void heunConvergesAtSecondOrder() {
        assertThat(observedOrder(new HeunSampler())).isBetween(1.7, 2.5);
    }

    @Test
    void dpmSolverPlusPlus2MConvergesAtSecondOrder() {
        assertThat(observedOrder(new DpmSolverPlusPlus2M())).isBetween(1.7, 2.5);
    }

    /** p = log2(e_h / e_{h/2}). */
    private static double observedOrder(Sampler sampler) {
        double coarse = error(sampler, INTERVALS);
        double fine = error(sampler, 2 * INTERVALS);
        return Math.log(coarse / fine) / Math.log(2);
    }

    /** max |sampler output - D(x(sigma_min); sigma_min)| over a small batch, starting from x(sigma_max) = sigma_max n. */
    private static double error(Sampler sampler, int intervals) {
        Schedule schedule = Schedule.karras(intervals + 1);
        double sigmaMax = schedule.sigma(0);
        double sigmaMin = schedule.sigma(intervals);
        double flow = Math.sqrt(sigmaMin * sigmaMin + SIGMA_DATA * SIGMA_DATA)
                / Math.sqrt(sigmaMax * sigmaMax + SIGMA_DATA * SIGMA_DATA); // x(sigma_min) / x(sigma_max)
        double gain = sigmaMax * flow * shrinkage(sigmaMin);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray noise = manager.create(NOISE, new Shape(2, 1, 2, 2));
            Conditioning unused = Conditioning.of(manager.zeros(new Shape(2, 1)));
            NDArray images = sampler.sample(new GaussianDataDenoiser(schedule), noise, schedule, Guidance.none(unused)).images();
            assertThat(images.getDataType()).isEqualTo(DataType.FLOAT64);
            return images.sub(noise.mul(gain)).abs().max().getDouble();
        }
    }

    /** D(x; sigma) / x = sigma_d^2 / (sigma^2 + sigma_d^2). */
    private static double shrinkage(double sigma) {
        return SIGMA_DATA * SIGMA_DATA / (sigma * sigma + SIGMA_DATA * SIGMA_DATA);
    }

    /**
     * The ideal denoiser of N(0, sigma_d^2 I) data, in float64. The samplers hand it sigma as a float32 vector; it
     * reads back the schedule level that rounds to it, so float32's 1e-7 in sigma cannot pose as discretisation error.
     */
    private record GaussianDataDenoiser(Schedule schedule) implements Denoiser {
        @Override
        public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
            return x.mul(shrinkage(level(sigma.getFloat(0))));
        }

        private double level(float sigma) {
            for (double s : schedule.sigmas()) {
                if ((float) s == sigma) {
                    return s;
                }
            }
            throw new IllegalArgumentException("sigma = " + sigma + " is not a level of " + schedule);
        }

        @Override
        public int imageChannels() {
            return 1;
        }

        @Override
        public int imageSize() {
            return 2;
        }
    }
}
