package dev.fewstep.distill.sid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.StudentGenerator;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.train.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidaLossTest {
    private static final UNetConfig TINY = UNetConfig.tiny(1);
    private static final int BATCH = 3;
    private static final SidConfig CONFIG = SidConfigs.defaults().guidance(2, 1, 1).adversarial(true).generatorWarmup(100).build();

    private static UNet network(NDManager manager, int seed) {
        manager.getEngine().setRandomSeed(seed);
        UNet net = UNet.create(TINY, manager);
        net.getParameters().values().forEach(p -> p.getArray().addi(
                p.getArray().getManager().randomNormal(p.getArray().getShape()).muli(0.05)));
        net.freezeParameters(true);
        return net;
    }

    private static Conditioning prompts(NDManager manager) {
        return Conditioning.of(manager.randomNormal(new Shape(BATCH, TINY.textDim())).mul(0.05));
    }

    /** The inputs of one fake-network update: the network, generated and real images, noise levels, noise, prompts. */
    private record FakeUpdate(UNet network, EdmDenoiser fake, NDArray generated, NDArray real, NDArray sigma,
            NDArray noise, Conditioning prompts) {
        static FakeUpdate of(NDManager manager) {
            UNet network = SidaLossTest.network(manager, 2);
            Shape shape = new Shape(BATCH, 1, 32, 32);
            return new FakeUpdate(network, new EdmDenoiser(network), manager.randomNormal(shape).mul(0.5),
                    manager.randomNormal(shape).mul(0.5), manager.create(new float[] {0.1f, 0.8f, 3f}),
                    manager.randomNormal(shape), SidaLossTest.prompts(manager));
        }
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static double mean(float[] values, java.util.function.DoubleUnaryOperator f) {
        double sum = 0;
        for (float v : values) {
            sum += f.applyAsDouble(v);
        }
        return sum / values.length;
    }

    @Test
    void theDiscriminatorIsTheChannelMeanOfTheEncoderAndTheFusedPassChangesNothing() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet net = network(manager, 1);
            NDArray x = manager.randomNormal(new Shape(BATCH, 1, 32, 32));
            NDArray cNoise = manager.create(new float[] {-1f, 0f, 1f});
            Conditioning c = prompts(manager);
            NDArray alone = net.apply(x, cNoise, c.textEmbedding(), c.isNull());
            UNet.OutputWithLogits fused = net.applyWithLogits(x, cNoise, c.textEmbedding(), c.isNull());
            NDArray logits = net.encoderLogits(x, cNoise, c.textEmbedding(), c.isNull());
            assertThat(fused.output().toFloatArray()).containsExactly(alone.toFloatArray());
            assertThat(fused.logits().toFloatArray()).containsExactly(logits.toFloatArray());
            // The tiny U-Net has two levels (32, 16): one logit per position of the 16x16 encoder output.
            assertThat(logits.getShape()).isEqualTo(new Shape(BATCH, 1, 16, 16));
            assertThat(logits.toFloatArray()).doesNotContain(Float.NaN);
        }
    }

    @Test
    void fakeLossIsScoreMatchingPlusTheWeightedCrossEntropyOfRealAgainstGenerated() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FakeUpdate in = FakeUpdate.of(manager);
            SidLoss sid = new SidLoss(CONFIG, EdmDenoiser.SIGMA_DATA);
            SidaLoss sida = new SidaLoss(CONFIG, sid);

            SidLoss.Value scoreMatching = sid.fakeLoss(in.fake(), in.generated(), in.prompts(), in.sigma(), in.noise());
            NDArray scaled = in.noise().mul(in.sigma().reshape(-1, 1, 1, 1));
            float[] realLogits = in.fake().logits(in.real().add(scaled), in.sigma(), in.prompts()).toFloatArray();
            float[] fakeLogits = in.fake().logits(in.generated().add(scaled), in.sigma(), in.prompts()).toFloatArray();
            float[] s = in.sigma().toFloatArray();
            double weight = 0;
            for (float v : s) {
                weight += (v * v + 0.25) / (v * 0.5 * v * 0.5) / s.length;
            }
            double crossEntropy = mean(realLogits, l -> softplus(-l)) + mean(fakeLogits, SidaLossTest::softplus);
            double expectedDiscriminator = 0.5 * weight * crossEntropy;

            in.network().freezeParameters(false);
            SidLoss.Value value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                value = sida.fakeLoss(in.fake(), in.generated(), in.real(), in.prompts(), null, in.sigma(), in.noise());
                collector.backward(value.objective());
            }
            assertThat(value.crossEntropy()).isCloseTo(crossEntropy / 2, within(1e-5));
            assertThat(value.mismatchedCrossEntropy()).isNaN();
            assertThat(value.reported()).isCloseTo(scoreMatching.reported(), within(1e-6));
            assertThat((double) value.objective().getFloat())
                    .isCloseTo(scoreMatching.objective().getFloat() + expectedDiscriminator, within(1e-3));
            double maxGradient = 0;
            for (Pair<String, Parameter> p : in.network().getParameters()) {
                for (float g : p.getValue().getArray().getGradient().toFloatArray()) {
                    assertThat(Float.isFinite(g)).isTrue();
                    maxGradient = Math.max(maxGradient, Math.abs(g));
                }
            }
            assertThat(maxGradient).isGreaterThan(0);
            new Adam(in.network(), manager, 0, 0.999, 1e-8).zeroGradients();
        }
    }

    @Test
    void matchingAwareFakeLossSharesTheFakeHalfBetweenGeneratedImagesAndRealImagesWithOtherPrompts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FakeUpdate in = FakeUpdate.of(manager);
            SidLoss sid = new SidLoss(CONFIG, EdmDenoiser.SIGMA_DATA);
            SidaLoss sida = new SidaLoss(SidConfigs.defaults().guidance(2, 1, 1).adversarial(true).generatorWarmup(100).matchingAware(true).build(), sid);
            Conditioning other = prompts(manager);

            NDArray scaled = in.noise().mul(in.sigma().reshape(-1, 1, 1, 1));
            NDArray noisyReal = in.real().add(scaled);
            NDArray noisyGenerated = in.generated().add(scaled);
            float[] realLogits = in.fake().logits(noisyReal, in.sigma(), in.prompts()).toFloatArray();
            float[] generatedLogits = in.fake().logits(noisyGenerated, in.sigma(), in.prompts()).toFloatArray();
            float[] mismatchedLogits = in.fake().logits(noisyReal, in.sigma(), other).toFloatArray();
            double realTerm = mean(realLogits, l -> softplus(-l));
            double generatedTerm = mean(generatedLogits, SidaLossTest::softplus);
            double mismatchedTerm = mean(mismatchedLogits, SidaLossTest::softplus);
            // The prompt reaches the logits: the same real images score differently under another prompt.
            assertThat(mismatchedTerm).isNotCloseTo(mean(realLogits, SidaLossTest::softplus), within(1e-6));
            SidLoss.Value plain = sida.fakeLoss(in.fake(), in.generated(), in.real(), in.prompts(), null, in.sigma(), in.noise());
            SidLoss.Value value = sida.fakeLoss(in.fake(), in.generated(), in.real(), in.prompts(), other, in.sigma(), in.noise());

            assertThat(value.mismatchedCrossEntropy()).isCloseTo(mismatchedTerm, within(1e-5));
            assertThat(value.crossEntropy()).isCloseTo((realTerm + (generatedTerm + mismatchedTerm) / 2) / 2, within(1e-5));
            assertThat(value.reported()).isEqualTo(plain.reported());
            SidLoss.Value scoreMatching = sid.fakeLoss(in.fake(), in.generated(), in.prompts(), in.sigma(), in.noise());
            double weight = (plain.objective().getFloat() - scoreMatching.objective().getFloat()) / plain.crossEntropy();
            assertThat((double) value.objective().getFloat() - plain.objective().getFloat())
                    .isCloseTo(weight * (value.crossEntropy() - plain.crossEntropy()), within(1e-3));
        }
    }

    /** The generator loss's objective and the generator's gradient, at a given point of the warm-up. */
    private static List<Object> generatorStep(long imagesSeen, NDManager manager, UNet teacher, UNet fakeNet, UNet generatorNet) {
        SidLoss sid = new SidLoss(CONFIG, EdmDenoiser.SIGMA_DATA);
        SidaLoss sida = new SidaLoss(CONFIG, sid);
        StudentGenerator generator = new StudentGenerator(new EdmDenoiser(generatorNet), List.of(CONFIG.loss().sigmaInit()));
        try (NDManager scope = manager.newSubManager()) {
            scope.getEngine().setRandomSeed(5);
            Shape shape = new Shape(BATCH, 1, 32, 32);
            Conditioning c = prompts(scope);
            NDArray z = scope.randomNormal(shape);
            NDArray sigma = scope.create(new float[] {0.05f, 1.0f, 20f});
            NDArray noise = scope.randomNormal(shape);
            EdmDenoiser fake = new EdmDenoiser(fakeNet);
            EdmDenoiser teacherDenoiser = new EdmDenoiser(teacher);

            // The adversarial term by hand: C H W E_b[BCE(clip(D(x_t)), 1) / n_b].
            NDArray x = generator.sample(z, c);
            NDArray noisy = x.add(noise.mul(sigma.reshape(-1, 1, 1, 1)));
            float[] logits = fake.logits(noisy, sigma, c).toFloatArray();
            double crossEntropy = mean(logits, l -> softplus(-Math.max(-10, Math.min(10, l))));
            NDArray real = new dev.fewstep.sample.Guidance(c, CONFIG.guidance().teacher()).denoise(teacherDenoiser, noisy, sigma);
            float[] normalizer = sid.normalizer(x, real).toFloatArray();
            double adversarial = 0;
            for (float n : normalizer) {
                adversarial += 32 * 32 * crossEntropy / n / BATCH;
            }
            double sidObjective = sid.generatorLoss(teacherDenoiser, fake, x, c, sigma, noise).objective().getFloat();

            generatorNet.freezeParameters(false);
            SidLoss.Value value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                value = sida.generatorLoss(teacherDenoiser, fake, generator.sample(z, c), c, sigma, noise, imagesSeen);
                collector.backward(value.objective());
            }
            List<Float> gradient = new ArrayList<>();
            for (Pair<String, Parameter> p : generatorNet.getParameters()) {
                for (float g : p.getValue().getArray().getGradient().toFloatArray()) {
                    gradient.add(g);
                }
            }
            new Adam(generatorNet, manager, 0, 0.999, 1e-8).zeroGradients();
            generatorNet.freezeParameters(true);
            return List.of((double) value.objective().getFloat(), sidObjective, value.crossEntropy(), adversarial, gradient,
                    crossEntropy);
        }
    }

    @Test
    void generatorLossIsSidAloneDuringTheWarmupThenHalfSidHalfAdversarial() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet teacher = network(manager, 1);
            UNet fakeNet = network(manager, 2);
            UNet generatorNet = network(manager, 3);
            List<Object> early = generatorStep(0, manager, teacher, fakeNet, generatorNet);
            List<Object> late = generatorStep(2 * CONFIG.run().generatorWarmupImages(), manager, teacher, fakeNet, generatorNet);
            double sidObjective = (double) early.get(1);
            double adversarial = (double) early.get(3);
            assertThat(adversarial).isPositive();
            assertThat((double) early.get(2)).isCloseTo((double) early.get(5), within(1e-5));
            assertThat((double) early.get(0)).isCloseTo(sidObjective, within(1e-5 * Math.abs(sidObjective) + 1e-6));
            assertThat((double) late.get(0)).isCloseTo(0.5 * (sidObjective + adversarial), within(1e-4 * adversarial));
            @SuppressWarnings("unchecked")
            List<Float> before = (List<Float>) early.get(4);
            @SuppressWarnings("unchecked")
            List<Float> after = (List<Float>) late.get(4);
            assertThat(after).allMatch(Float::isFinite);
            // The adversarial term reaches the generator through x_g: the gradient changes once it is on.
            double change = 0;
            for (int i = 0; i < before.size(); i++) {
                change = Math.max(change, Math.abs(after.get(i) - 0.5 * before.get(i)));
            }
            assertThat(change).isGreaterThan(0);
            assertThat(teacher.getParameters().values().stream().noneMatch(p -> p.getArray().hasGradient())).isTrue();
            assertThat(fakeNet.getParameters().values().stream().noneMatch(p -> p.getArray().hasGradient())).isTrue();
        }
    }

    @Test
    void aDataFreeStateCannotContinueAsSida() {
        SidConfig dataFree = SidConfig.DEFAULTS;
        SidConfig sida = SidConfigs.defaults().adversarial(true).build();
        assertThat(sida.run().generatorWarmupImages()).isEqualTo(SidConfig.SIDA_WARMUP_IMAGES);
        assertThat(sida.differencesFrom(dataFree)).contains("sida null -> {\"matchingAware\":false}");
        assertThat(sida.differencesFrom(SidConfigs.defaults().adversarial(true).matchingAware(true).build())).isEmpty();
    }
}
