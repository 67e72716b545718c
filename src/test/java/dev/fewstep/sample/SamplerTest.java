package dev.fewstep.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static NDManager manager;
    private static EdmDenoiser denoiser;

    @BeforeAll
    static void network() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
        UNet network = UNet.create(UNetConfig.tiny(1), manager);
        network.getParameters().values().forEach(p -> p.getArray().addi(manager.randomNormal(p.getArray().getShape()).muli(0.05)));
        denoiser = new EdmDenoiser(network);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static Conditioning prompts(NDManager m, int batch) {
        NDArray text = m.randomNormal(new Shape(batch, 384));
        return Conditioning.of(text.div(text.norm(new int[] {1}, true)));
    }

    private static float maxDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void oneEulerStepEqualsDenoiserOutput() {
        try (NDManager m = manager.newSubManager()) {
            NDArray noise = m.randomNormal(new Shape(2, 1, 32, 32));
            Conditioning c = prompts(m, 2);
            Schedule schedule = Schedule.karras(1);
            NDArray sampled = new EulerSampler().sample(denoiser, noise, schedule, Guidance.none(c)).images();
            NDArray direct = denoiser.denoise(noise.mul(schedule.sigma(0)), m.full(new Shape(2), (float) schedule.sigma(0)), c);
            assertThat(maxDifference(sampled, direct)).isLessThan(1e-4f);
        }
    }

    @Test
    void oneStepOfEverySamplerEqualsDenoiserOutput() {
        for (String name : Sampler.NAMES) {
            try (NDManager m = manager.newSubManager()) {
                Sampler sampler = Sampler.named(name);
                NDArray noise = m.randomNormal(new Shape(2, 1, 32, 32));
                Conditioning c = prompts(m, 2);
                Schedule schedule = sampler.schedule(1);
                NDArray sampled = sampler.sample(denoiser, noise, schedule, Guidance.none(c)).images();
                NDArray direct = denoiser.denoise(noise.mul(schedule.sigma(0)), m.full(new Shape(2), (float) schedule.sigma(0)), c);
                assertThat(maxDifference(sampled, direct)).as(name).isLessThan(1e-4f);
            }
        }
    }

    @Test
    void ddimWithEtaZeroIsDeterministic() {
        try (NDManager m = manager.newSubManager()) {
            float[] noiseValues = m.randomNormal(new Shape(2, 1, 32, 32)).toFloatArray();
            Conditioning c = prompts(m, 2);
            DdimSampler ddim = new DdimSampler();
            NDArray first = ddim.sample(denoiser, m.create(noiseValues, new Shape(2, 1, 32, 32)), ddim.schedule(4), new Guidance(c, 2)).images();
            NDArray second = ddim.sample(denoiser, m.create(noiseValues, new Shape(2, 1, 32, 32)), ddim.schedule(4), new Guidance(c, 2)).images();
            assertThat(first.toFloatArray()).containsExactly(second.toFloatArray());
        }
    }

    @Test
    void samplersReportTheNetworkEvaluationsTheySpent() {
        for (String name : Sampler.NAMES) {
            for (int steps : new int[] {1, 3, 6}) {
                try (NDManager m = manager.newSubManager()) {
                    AtomicInteger calls = new AtomicInteger();
                    Denoiser counting = counting(calls);
                    Sampler sampler = Sampler.named(name);
                    Sampler.Sample sample = sampler.sample(counting, m.randomNormal(new Shape(1, 1, 32, 32)),
                            sampler.schedule(steps), Guidance.none(prompts(m, 1)));
                    assertThat(sample.nfe()).as(name + " " + steps).isEqualTo(calls.get()).isEqualTo(sampler.nfe(steps));
                }
            }
        }
        assertThat(new HeunSampler().nfe(18)).isEqualTo(35);
    }

    @Test
    void guidanceWithScaleOneEqualsTheConditionalPrediction() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(3, 1, 32, 32)).mul(2);
            NDArray sigma = m.full(new Shape(3), 2f);
            Conditioning c = prompts(m, 3);
            NDArray conditional = denoiser.denoise(x, sigma, c);
            assertThat(maxDifference(new Guidance(c, 1.0).denoise(denoiser, x, sigma), conditional)).isLessThan(1e-5f);
            // And the batched guided pass is D_u + w (D_c - D_u) with separately computed branches.
            NDArray unconditional = denoiser.denoise(x, sigma, c.unconditional());
            NDArray expected = unconditional.add(conditional.sub(unconditional).mul(3.0));
            assertThat(maxDifference(new Guidance(c, 3.0).denoise(denoiser, x, sigma), expected)).isLessThan(1e-4f);
        }
    }

    @Test
    void karrasScheduleRunsFromSigmaMaxToSigmaMinThenZero() {
        Schedule schedule = Schedule.karras(10);
        assertThat(schedule.steps()).isEqualTo(10);
        assertThat(schedule.sigma(0)).isEqualTo(Schedule.SIGMA_MAX);
        assertThat(schedule.sigma(9)).isCloseTo(Schedule.SIGMA_MIN, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(schedule.sigma(10)).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(schedule.sigma(i)).isGreaterThan(schedule.sigma(i + 1));
        }
        Schedule ddim = Schedule.ddimUniform(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ddim.sigma(i)).isGreaterThan(ddim.sigma(i + 1));
        }
        assertThatThrownBy(() -> Schedule.karras(0)).hasMessageContaining("steps must be at least 1");
        assertThatThrownBy(() -> Sampler.named("plms")).hasMessageContaining("unknown sampler 'plms'");
    }

    @Test
    void moreHeunStepsConvergeToTheSameImage() {
        // A second-order ODE solver's error shrinks quickly with steps: 40 and 80 steps agree far better than 3 and 80.
        try (NDManager m = manager.newSubManager()) {
            float[] noise = m.randomNormal(new Shape(1, 1, 32, 32)).toFloatArray();
            Conditioning c = prompts(m, 1);
            HeunSampler heun = new HeunSampler();
            NDArray fine = heun.sample(denoiser, m.create(noise, new Shape(1, 1, 32, 32)), heun.schedule(80), Guidance.none(c)).images();
            NDArray medium = heun.sample(denoiser, m.create(noise, new Shape(1, 1, 32, 32)), heun.schedule(40), Guidance.none(c)).images();
            NDArray coarse = heun.sample(denoiser, m.create(noise, new Shape(1, 1, 32, 32)), heun.schedule(3), Guidance.none(c)).images();
            assertThat(maxDifference(medium, fine)).isLessThan(maxDifference(coarse, fine));
        }
    }

    private static Denoiser counting(AtomicInteger calls) {
        return new Denoiser() {
            @Override
            public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
                calls.incrementAndGet();
                return denoiser.denoise(x, sigma, conditioning);
            }

            @Override
            public int imageChannels() {
                return 1;
            }

            @Override
            public int imageSize() {
                return 32;
            }
        };
    }
}
