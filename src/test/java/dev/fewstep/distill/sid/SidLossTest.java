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
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.model.Weights;
import dev.fewstep.generate.StudentGenerator;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Ema;
import dev.fewstep.train.Adam;
import dev.fewstep.nn.UNetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidLossTest {
    private static final UNetConfig TINY = UNetConfig.tiny(1);

    /** A tiny network with every weight perturbed (zero-initialised output layers would make D(x) = c_skip x). */
    private static UNet network(NDManager manager, int seed) {
        manager.getEngine().setRandomSeed(seed);
        UNet net = UNet.create(TINY, manager);
        net.getParameters().values().forEach(p -> p.getArray().addi(
                p.getArray().getManager().randomNormal(p.getArray().getShape()).muli(0.05)));
        return net;
    }

    private static Conditioning prompts(NDManager manager, int batch) {
        return Conditioning.of(manager.randomNormal(new Shape(batch, TINY.textDim())).mul(0.05));
    }

    /** Runs the generator loss with the generator trainable and the two score networks frozen. */
    private static double[] generatorLossAndGradient(SidConfig config, UNet teacherNet, UNet fakeNet, UNet generatorNet,
            NDManager manager) {
        teacherNet.freezeParameters(true);
        fakeNet.freezeParameters(true);
        generatorNet.freezeParameters(false);
        SidLoss loss = new SidLoss(config, EdmDenoiser.SIGMA_DATA);
        StudentGenerator generator = new StudentGenerator(new EdmDenoiser(generatorNet), List.of(config.loss().sigmaInit()));
        try (NDManager scope = manager.newSubManager()) {
            scope.getEngine().setRandomSeed(5);
            int batch = 3;
            Shape shape = new Shape(batch, 1, 32, 32);
            Conditioning conditioning = prompts(scope, batch);
            NDArray z = scope.randomNormal(shape);
            NDArray sigma = scope.create(new float[] {0.05f, 1.0f, 20f});
            NDArray noise = scope.randomNormal(shape);
            double value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                SidLoss.Value v = loss.generatorLoss(new EdmDenoiser(teacherNet), new EdmDenoiser(fakeNet),
                        generator.sample(z, conditioning), conditioning, sigma, noise);
                value = v.reported();
                assertThat(Double.isFinite(v.objective().getFloat())).isTrue();
                collector.backward(v.objective());
            }
            double maxGradient = 0;
            boolean finite = true;
            for (Pair<String, Parameter> p : generatorNet.getParameters()) {
                float[] g = p.getValue().getArray().getGradient().toFloatArray();
                for (float x : g) {
                    finite &= Float.isFinite(x);
                    maxGradient = Math.max(maxGradient, Math.abs(x));
                }
            }
            new Adam(generatorNet, manager, 0, 0.999, 1e-8).zeroGradients();
            generatorNet.freezeParameters(true);
            return new double[] {value, maxGradient, finite ? 1 : 0};
        }
    }

    @Test
    void generatorLossAndItsGradientsAreFiniteOnATinyNetwork() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet teacher = network(manager, 1);
            UNet fake = network(manager, 2); // a fake score network that has drifted from the teacher
            UNet generator = network(manager, 3);
            double[] result = generatorLossAndGradient(SidConfig.DEFAULTS, teacher, fake, generator, manager);
            assertThat(result[0]).isFinite().isNotZero();
            assertThat(result[2]).isEqualTo(1);
            assertThat(result[1]).isGreaterThan(0);
            // The frozen score networks received no gradient.
            assertThat(teacher.getParameters().values().stream().noneMatch(p -> p.getArray().hasGradient())).isTrue();
            assertThat(fake.getParameters().values().stream().noneMatch(p -> p.getArray().hasGradient())).isTrue();
        }
    }

    @Test
    void generatorGradientVanishesWhileTheFakeNetworkEqualsTheTeacher() {
        // f_psi = f_phi makes every term of the SiD loss zero together with its gradient: SiD's generator only moves
        // once the fake network has learnt something about the generator (hence "fake update first").
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet teacher = network(manager, 1);
            UNet fake = UNet.create(TINY, manager);
            Weights.copy(teacher, fake);
            UNet generator = network(manager, 3);
            double[] same = generatorLossAndGradient(SidConfig.DEFAULTS, teacher, fake, generator, manager);
            assertThat(same[0]).isEqualTo(0.0);
            double[] drifted = generatorLossAndGradient(SidConfig.DEFAULTS, teacher, network(manager, 2), generator, manager);
            // Not bit-exactly zero (the two backward paths round differently), but orders of magnitude below.
            assertThat(same[1]).isLessThan(drifted[1] * 1e-3);
            // Guidance on the teacher alone (kappa_4 != kappa_2) breaks the tie: the generator is pulled at once.
            double[] guided = generatorLossAndGradient(SidConfigs.defaults().guidance(3, 1, 1).build(), teacher, fake, generator, manager);
            assertThat(guided[1]).isGreaterThan(same[1] * 1e3);
            System.out.printf("max |gradient|: fake = teacher %.3g, drifted fake %.3g, teacher guided %.3g%n", same[1], drifted[1], guided[1]);
        }
    }

    /** A denoiser that ignores its input and returns a fixed estimate. */
    private static Denoiser constant(NDArray estimate) {
        return new Denoiser() {
            @Override
            public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
                return estimate.add(x.mul(0));
            }

            @Override
            public int imageChannels() {
                return 1;
            }

            @Override
            public int imageSize() {
                return 2;
            }
        };
    }

    @Test
    void generatorLossIsTheFusedSiDObjectiveWithPerSampleNormalisation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] x = {0.5f, -0.5f, 1f, 0f, /* second sample */ 0f, 0f, 0f, 0f};
            float[] real = {0.25f, -0.25f, 0.5f, 0.5f, 0.1f, 0.1f, -0.1f, -0.1f};
            float[] fake = {0f, 0f, 0.5f, 0f, 0.2f, 0f, 0f, -0.3f};
            Shape shape = new Shape(2, 1, 2, 2);
            double alpha = 1.2;
            SidConfig config = SidConfigs.defaults().guidance(1, 1, 1).alpha(alpha).build();
            SidLoss loss = new SidLoss(config, 0.5);
            SidLoss.Value value = loss.generatorLoss(constant(manager.create(real, shape)), constant(manager.create(fake, shape)),
                    manager.create(x, shape), Conditioning.unconditional(manager, 2, 4), manager.ones(new Shape(2)), manager.zeros(shape));
            double expectedSum = 0;
            for (int b = 0; b < 2; b++) {
                double omega = 0;
                for (int j = 0; j < 4; j++) {
                    omega += Math.abs(x[b * 4 + j] - real[b * 4 + j]) / 4;
                }
                for (int j = 0; j < 4; j++) {
                    int i = b * 4 + j;
                    double d = real[i] - fake[i];
                    // (1 - alpha) ||f_phi - f_psi||^2 + (f_phi - f_psi)(f_psi - x_g), over omega
                    expectedSum += ((1 - alpha) * d * d + d * (fake[i] - x[i])) / omega;
                }
            }
            assertThat(value.reported()).isCloseTo(expectedSum / 8, within(1e-6));
            // The backward objective is summed over pixels, scaled by 100 and averaged over the batch (the code's form).
            assertThat((double) value.objective().getFloat()).isCloseTo(expectedSum / 2 * 100, within(1e-3));
        }
    }

    @Test
    void fakeLossIsEdmWeightedDenoisingScoreMatchingOnTheSamples() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 1, 2, 2);
            float[] x = {0.5f, -0.5f, 1f, 0f};
            float[] estimate = {0.4f, -0.5f, 0.8f, 0.1f};
            SidLoss loss = new SidLoss(SidConfigs.defaults().guidance(1, 1, 1).build(), 0.5);
            SidLoss.Value value = loss.fakeLoss(constant(manager.create(estimate, shape)), manager.create(x, shape),
                    Conditioning.unconditional(manager, 1, 4), manager.create(new float[] {2f}), manager.ones(shape));
            double weight = (4 + 0.25) / (2 * 0.5 * 2 * 0.5);
            double squares = 0.01 + 0 + 0.04 + 0.01;
            assertThat(value.reported()).isCloseTo(weight * squares / 4, within(1e-6));
        }
    }

    @Test
    void generatorNoiseLevelsFollowTheKarrasScheduleUpToTMax() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SidLoss loss = new SidLoss(SidConfig.DEFAULTS, 0.5);
            // (80^(1/7) + 0.2 (0.002^(1/7) - 80^(1/7)))^7 = 24.41
            assertThat(loss.maxGeneratorSigma()).isCloseTo(24.41, within(0.01));
            float[] sigma = loss.sampleGeneratorSigma(manager, 4000).toFloatArray();
            double min = Double.MAX_VALUE;
            double max = 0;
            for (float s : sigma) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            assertThat(min).isGreaterThanOrEqualTo(SidLoss.SIGMA_MIN * 0.999);
            assertThat(max).isLessThanOrEqualTo(loss.maxGeneratorSigma() * 1.001).isGreaterThan(15);
            assertThat(new SidLoss(SidConfigs.defaults().tMax(1000).build(), 0.5).maxGeneratorSigma()).isCloseTo(80, within(1e-6));
        }
    }

    /** D(x|c) = a x + 0.1 isNull, with a native (PyTorch-owned) factor: safe to differentiate through. */
    private static Denoiser linear(NDManager manager, float factor) {
        NDArray a = manager.full(new Shape(), factor);
        return new Denoiser() {
            @Override
            public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
                NDArray isNull = conditioning.isNull().reshape(-1, 1, 1, 1);
                return x.mul(a).add(isNull.mul(manager.full(new Shape(), 0.1f)));
            }

            @Override
            public int imageChannels() {
                return 1;
            }

            @Override
            public int imageSize() {
                return 4;
            }
        };
    }

    private static float[] gradientOfGeneratorLoss(boolean collectGarbage) {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            Shape shape = new Shape(2, 1, 4, 4);
            NDArray generated = manager.randomNormal(shape);
            generated.setRequiresGradient(true);
            SidLoss loss = new SidLoss(SidConfig.DEFAULTS, 0.5); // guidance 2 on both networks, alpha 1.2
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray objective = loss.generatorLoss(linear(scope, 0.8f), linear(scope, 0.6f), generated,
                        new Conditioning(scope.zeros(new Shape(2, 4)), scope.zeros(new Shape(2))),
                        scope.create(new float[] {0.5f, 3f}), scope.randomNormal(shape)).objective();
                if (collectGarbage) {
                    for (int round = 0; round < 3; round++) {
                        for (int j = 0; j < 20_000; j++) {
                            manager.create(new float[] {j}).close(); // churn small direct buffers, as a long run does
                        }
                        System.gc();
                    }
                }
                collector.backward(objective);
            }
            return generated.getGradient().toFloatArray();
        }
    }

    @Test
    void generatorLossGradientSurvivesAGarbageCollectionBetweenForwardAndBackward() {
        float[] quiet = gradientOfGeneratorLoss(false);
        float[] collected = gradientOfGeneratorLoss(true);
        for (float g : quiet) {
            assertThat(g).isFinite();
        }
        assertThat(collected).containsExactly(quiet);
    }

    @Test
    void emaFollowsSiDsHalfLifeWithRampUp() {
        var beta = Ema.halfLife(50_000, 0.05, 16);
        assertThat(beta.applyAsDouble(0)).isEqualTo(0.0); // the first update copies the weights
        // After 16,000 images the half-life is 800 images: 16 images decay the old average by 0.5^(16/800).
        assertThat(beta.applyAsDouble(16_000)).isCloseTo(Math.pow(0.5, 16 / 800.0), within(1e-12));
        assertThat(beta.applyAsDouble(10_000_000)).isCloseTo(Math.pow(0.5, 16 / 50_000.0), within(1e-12));
    }
}
