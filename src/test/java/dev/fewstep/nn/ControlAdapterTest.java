package dev.fewstep.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.ControlledDenoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.train.Adam;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * ControlNet's zero convolutions (Zhang et al. 2023, Section 3.1): at zero the controlled network is the frozen one, and
 * training moves only the adapter.
 */
class ControlAdapterTest {
    private static final int CONDITION_CHANNELS = 2;

    /** A tiny frozen network with random weights everywhere (its zero-initialised output convolution included). */
    private static UNet frozenNetwork(NDManager manager) {
        manager.getEngine().setRandomSeed(5);
        UNet network = UNet.create(UNetConfig.tiny(1), manager);
        network.getParameters().values().forEach(
                p -> NativeMemory.assign(p.getArray(), p.getArray().add(manager.randomNormal(p.getArray().getShape()).mul(0.1))));
        network.freezeParameters(true);
        return network;
    }

    @Test
    void zeroInitialisedAdapterGivesTheFrozenDenoiserExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet frozen = frozenNetwork(manager);
            ControlAdapter adapter = ControlAdapter.of(frozen, CONDITION_CHANNELS, manager);
            EdmDenoiser teacher = new EdmDenoiser(frozen);
            NDArray x = manager.randomNormal(new Shape(3, 1, 32, 32)).mul(2);
            NDArray sigma = manager.create(new float[] {0.05f, 1f, 20f});
            NDArray condition = manager.randomNormal(adapter.conditionShape(3));
            Conditioning prompts = new Conditioning(manager.randomNormal(new Shape(3, 384)), manager.create(new float[] {0, 1, 0}));

            NDArray expected = teacher.denoise(x, sigma, prompts);
            NDArray controlled = new ControlledDenoiser(teacher, adapter).denoise(x, sigma, prompts.withControl(condition));

            assertThat(expected.abs().max().getFloat()).isGreaterThan(0.1f);
            assertThat(controlled.sub(expected).abs().max().getFloat()).isEqualTo(0f);
        }
    }

    @Test
    void adamStepsOnTheEdmLossMoveTheAdapterAndLeaveTheFrozenNetwork() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet frozen = frozenNetwork(manager);
            Map<String, float[]> frozenBefore = values(frozen);
            ControlAdapter adapter = ControlAdapter.of(frozen, CONDITION_CHANNELS, manager);
            Map<String, float[]> adapterBefore = values(adapter);
            Adam adam = new Adam(adapter, manager, 0.9, 0.999, 1e-8);
            NDArray images = manager.randomUniform(-1, 1, new Shape(4, 1, 32, 32));
            ControlledDenoiser denoiser = new ControlledDenoiser(new EdmDenoiser(frozen), adapter);
            Conditioning prompts = Conditioning.of(manager.randomNormal(new Shape(4, 384)))
                    .withControl(manager.randomUniform(-1, 1, adapter.conditionShape(4)));

            step(adam, denoiser, images, prompts);
            // Only the output zero convolutions get a gradient while they are zero: the copy's features reach the loss
            // through them alone, and a zero convolution passes no gradient to its input while its weights are zero.
            assertThat(changed(adapterBefore, adapter, name -> name.startsWith("zero"))).isTrue();
            assertThat(changed(adapterBefore, adapter, name -> name.startsWith("copy") || name.startsWith("hint"))).isFalse();

            step(adam, denoiser, images, prompts);
            assertThat(changed(adapterBefore, adapter, name -> name.startsWith("copy"))).isTrue();
            assertThat(changed(adapterBefore, adapter, name -> name.startsWith("hint"))).isTrue();

            assertThat(changed(frozenBefore, frozen, name -> true)).isFalse();
            for (Parameter p : frozen.getParameters().values()) {
                assertThat(p.getArray().hasGradient()).as(p.getName()).isFalse();
            }
        }
    }

    @Test
    void adapterOfTheFashionTeacherIsItsEncoderWithZeroConvolutions() throws Exception {
        Path model = Path.of("models", "fashion-teacher");
        try (DiffusionModel teacher = DiffusionModel.load(model); NDManager manager = NDManager.newBaseManager()) {
            UNet frozen = teacher.network();
            ControlAdapter adapter = ControlAdapter.of(frozen, 1, manager);
            UNet encoder = UNet.encoderOnly(frozen.config());
            encoder.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
            long zeroConvolutions = adapter.parameterCount() - parameterCount(encoder);
            System.out.printf("fashion-teacher %s: teacher %d parameters, adapter %d (copy %d, zero convolutions %d)%n",
                    frozen.config(), frozen.parameterCount(), adapter.parameterCount(), parameterCount(encoder),
                    zeroConvolutions);
            assertThat(adapter.parameterCount()).isLessThan(frozen.parameterCount());
            assertThat(zeroConvolutions).isPositive();
        }
    }

    private static void step(Adam adam, ControlledDenoiser denoiser, NDArray images, Conditioning prompts) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(EdmLoss.paperDefaults().loss(denoiser, images, prompts));
        }
        assertThat(Double.isFinite(adam.step(1e-3))).isTrue();
    }

    private static long parameterCount(ai.djl.nn.Block block) {
        return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static Map<String, float[]> values(ai.djl.nn.Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    private static boolean changed(Map<String, float[]> before, ai.djl.nn.Block block, Predicate<String> names) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            // DJL numbers child blocks ("01copy_..."): the test names them without the number.
            if (names.test(p.getKey().replaceFirst("^\\d+", "")) && !java.util.Arrays.equals(before.get(p.getKey()), p.getValue().getArray().toFloatArray())) {
                return true;
            }
        }
        return false;
    }
}
