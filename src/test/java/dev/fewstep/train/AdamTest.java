package dev.fewstep.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {
    private static void backward(UNet net, NDManager manager, float factor) {
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray x = scope.randomNormal(new Shape(1, 1, 32, 32));
            Conditioning prompt = Conditioning.of(scope.randomNormal(new Shape(1, 384)));
            NDArray out = new EdmDenoiser(net).denoise(x, scope.ones(new Shape(1)), prompt);
            collector.backward(out.sum().mul(factor));
        }
    }

    private static boolean gradientsAreZero(UNet net, NDManager manager) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            try (NDManager scratch = manager.newSubManager()) {
                NDArray g = p.getValue().getArray().getGradient();
                g.attach(scratch);
                if (g.abs().sum().getFloat() != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void aNonFiniteGradientSkipsTheUpdateAndIsZeroedInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(4);
            UNet net = UNet.create(UNetConfig.tiny(1), manager);
            Adam adam = new Adam(net, manager, 0.9, 0.999, 1e-8);
            Map<String, Tensor> before = Weights.of(net);

            backward(net, manager, Float.NaN);
            assertThat(adam.step(1e-3)).isNaN();
            assertThat(adam.updates()).isZero();
            assertThat(gradientsAreZero(net, manager)).isTrue();
            Map<String, Tensor> after = Weights.of(net);
            assertThat(after.keySet()).allMatch(k -> Arrays.equals(before.get(k).data(), after.get(k).data()));

            // A finite gradient then updates normally and is consumed.
            backward(net, manager, 1f);
            assertThat(adam.step(1e-3)).isFinite().isPositive();
            assertThat(adam.updates()).isEqualTo(1);
            assertThat(gradientsAreZero(net, manager)).isTrue();
            Map<String, Tensor> moved = Weights.of(net);
            assertThat(moved.keySet()).anyMatch(k -> !Arrays.equals(before.get(k).data(), moved.get(k).data()));
        }
    }
}
