package dev.fewstep.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fewstep.train.Adam;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradients stay right when the garbage collector runs between forward and backward, and after gradients were
 * zeroed: the two use-after-free patterns {@link NativeMemory} exists to avoid.
 */
class NativeMemoryTest {

    /**
     * Collects garbage (freeing every unreachable direct buffer) and then fills the C heap's small free chunks with
     * NaN by allocating direct buffers of the sizes just freed. The buffers must stay reachable while the caller
     * computes, so they are returned.
     */
    static List<ByteBuffer> collectAndPoison() {
        List<ByteBuffer> poison = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20); // the Cleaner thread frees the buffers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 4000; i++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(4 * (1 + i % 64)).order(ByteOrder.nativeOrder());
                while (buffer.remaining() >= 4) {
                    buffer.putFloat(Float.NaN);
                }
                poison.add(buffer);
            }
        }
        return poison;
    }

    @Test
    void aNativeConstantSurvivesACollectionBetweenForwardAndBackward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(8));
            x.setRequiresGradient(true);
            List<ByteBuffer> poison;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = NativeMemory.times(NativeMemory.times(x, 0.25), 3).sum();
                poison = collectAndPoison();
                collector.backward(y);
            }
            assertThat(poison).isNotEmpty();
            assertThat(x.getGradient().toFloatArray()).containsOnly(0.75f);
        }
    }

    @Test
    void resBlockGradientsDoNotDependOnGarbageCollection() {
        float[] calm = resBlockGradient(false);
        float[] collected = resBlockGradient(true);
        assertThat(collected).containsExactly(calm);
        for (float g : calm) {
            assertThat(Float.isFinite(g)).isTrue();
        }
    }

    private static float[] resBlockGradient(boolean collect) {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            ResBlock block = new ResBlock(4, 4, 8);
            block.initialize(manager, DataType.FLOAT32);
            AttentionBlock attention = new AttentionBlock(4, 1, 8);
            attention.initialize(manager, DataType.FLOAT32);
            NDArray x = manager.randomNormal(new Shape(2, 4, 8, 8));
            NDArray embedding = manager.randomNormal(new Shape(2, 8));
            NDArray context = manager.randomNormal(new Shape(2, 3, 8));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = attention.apply(block.apply(x, embedding), context).square().sum();
                List<ByteBuffer> poison = collect ? collectAndPoison() : List.of();
                collector.backward(y);
                assertThat(poison.size()).isEqualTo(collect ? 12000 : 0);
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void zeroedGradientsKeepTheirOwnStorage() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Dense layer = new Dense(16, 16, 1.0);
            layer.initialize(manager, DataType.FLOAT32);
            Adam adam = new Adam(layer, manager, 0.9, 0.999, 1e-8);
            NDArray x = manager.ones(new Shape(2, 16));
            backward(layer, x);
            float[] expected = layer.getParameters().get(0).getValue().getArray().getGradient().toFloatArray();
            adam.zeroGradients();
            assertThat(layer.getParameters().get(0).getValue().getArray().getGradient().toFloatArray()).containsOnly(0f);
            List<ByteBuffer> poison = collectAndPoison();
            backward(layer, x);
            assertThat(poison).isNotEmpty();
            assertThat(layer.getParameters().get(0).getValue().getArray().getGradient().toFloatArray()).containsExactly(expected);
        }
    }

    private static void backward(Dense layer, NDArray x) {
        try (NDManager scope = x.getManager().newSubManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray input = x.duplicate();
            input.attach(scope);
            collector.backward(layer.apply(input).sum());
        }
    }

    @Test
    void assignCopiesValuesIntoTheExistingTensor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray target = manager.zeros(new Shape(2, 3));
            NativeMemory.assign(target, new float[] {1, 2, 3, 4, 5, 6});
            collectAndPoison();
            assertThat(target.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
            NDArray nan = manager.full(new Shape(3), Float.NaN);
            NativeMemory.zero(nan); // x - x would stay NaN
            assertThat(nan.toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void assignWritesIntoAParameterFromAnyThread() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Dense layer = new Dense(2, 2, 1.0);
            layer.initialize(manager, DataType.FLOAT32);
            NDArray weight = layer.getParameters().get(0).getValue().getArray();
            Throwable[] failure = new Throwable[1];
            Thread worker = new Thread(() -> {
                try {
                    NativeMemory.assign(weight, new float[] {1, 2, 3, 4});
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            worker.start();
            worker.join();
            assertThat(failure[0]).isNull();
            assertThat(weight.toFloatArray()).containsExactly(1, 2, 3, 4);
            assertThat(weight.hasGradient()).isTrue();
        }
    }
}
