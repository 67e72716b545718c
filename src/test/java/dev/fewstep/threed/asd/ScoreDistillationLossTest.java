package dev.fewstep.threed.asd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import org.junit.jupiter.api.Test;

class ScoreDistillationLossTest {
    private static final Shape IMAGES = new Shape(2, 3, 32, 32);

    UNetConfig rgbConfig() {
        return rgb();
    }

    private static UNetConfig rgb() {
        UNetConfig one = UNetConfig.tiny(1);
        return new UNetConfig(3, one.imageSize(), one.baseChannels(), one.channelMultipliers(), one.resBlocksPerLevel(),
                one.attentionResolutions(), one.heads(), one.textDim(), one.contextTokens(), one.contextDim());
    }

    @Test
    void asdWithoutTimeShiftOrGuidanceGivesExactlyZeroGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            EdmDenoiser teacher = new EdmDenoiser(UNet.create(rgb(), manager));
            NDArray images = manager.randomUniform(-1, 1, IMAGES);
            Conditioning prompts = Conditioning.of(manager.randomNormal(new Shape(2, 384)));
            int[] t = {100, 700};
            var draw = new ScoreDistillationLoss.Draw(t, t.clone(), manager.randomNormal(IMAGES));
            var value = new ScoreDistillationLoss(ScoreDistillationLoss.Kind.ASD, 1.0).loss(teacher, images, prompts, draw);
            assertThat(value.gradient().abs().max().getFloat()).isZero();
            assertThat(value.reported()).isZero();
        }
    }

    @Test
    void sdsOfADenoiserThatPredictsZeroIsTheWeightedImageOverSigma() {
        // D ≡ 0 gives ε̂ = x_t / σ_t = x / σ_t + ε, so w(t)(ε̂ − ε) = w(t) x / σ_t.
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(-1, 1, IMAGES);
            Conditioning prompts = Conditioning.of(manager.zeros(new Shape(2, 384)));
            int[] t = {50, 900};
            var draw = new ScoreDistillationLoss.Draw(t, t, manager.randomNormal(IMAGES));
            var value = new ScoreDistillationLoss(ScoreDistillationLoss.Kind.SDS, 1.0)
                    .loss(new ZeroDenoiser(), images, prompts, draw);
            float[] g = value.gradient().toFloatArray();
            float[] x = images.toFloatArray();
            int per = 3 * 32 * 32;
            for (int i = 0; i < g.length; i += 97) {
                int k = t[i / per];
                assertThat(g[i]).isCloseTo((float) (DiffusionTimes.weight(k) * x[i] / DiffusionTimes.sigma(k)), within(2e-4f));
            }
        }
    }

    @Test
    void theSurrogateLossHasTheDistillationGradientInTheImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray images = manager.randomUniform(-1, 1, IMAGES);
            images.setRequiresGradient(true);
            Conditioning prompts = Conditioning.of(manager.zeros(new Shape(2, 384)));
            var draw = new ScoreDistillationLoss.Draw(new int[] {300, 400}, new int[] {330, 420}, manager.randomNormal(IMAGES));
            ScoreDistillationLoss.Value value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                value = new ScoreDistillationLoss(ScoreDistillationLoss.Kind.ASD, 1.0)
                        .loss(new ZeroDenoiser(), images, prompts, draw);
                collector.backward(value.objective());
            }
            // the images' gradient is g / B (the surrogate is averaged over the batch)
            float[] expected = value.gradient().div(2f).toFloatArray();
            assertThat(images.getGradient().toFloatArray()).containsExactly(expected, within(1e-6f));
            // and for D ≡ 0, ASD's g = w(t) x (1/σ_t − 1/σ_t⁺) is not zero: the two times differ
            assertThat(value.reported()).isPositive();
        }
    }

    @Test
    void timesStayInRangeAndTheLaterTimeIsTheSameWithoutShift() {
        var times = new DiffusionTimes(0.02, 0.98, 0.1);
        var none = new DiffusionTimes(0.02, 0.98, 0);
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 1000; i++) {
            int t = times.sample(random);
            assertThat(t).isBetween(20, 980);
            assertThat(times.later(t, random)).isBetween(t, t + (int) Math.ceil(0.1 * (t - 20)));
            assertThat(none.later(t, random)).isEqualTo(t);
        }
        assertThat(DiffusionTimes.alphaBar(0)).isCloseTo(1 - 0.00085, within(1e-12));
        assertThat(DiffusionTimes.sigma(999)).isGreaterThan(DiffusionTimes.sigma(500)).isBetween(14.0, 15.0);
    }

    /** D(x; σ) = 0 for every input. */
    private static final class ZeroDenoiser implements dev.fewstep.diffusion.Denoiser {
        @Override
        public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
            return x.zerosLike();
        }

        @Override
        public int imageChannels() {
            return 3;
        }

        @Override
        public int imageSize() {
            return 32;
        }
    }
}
