package dev.fewstep.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.function.Function;

/**
 * What this machine does at best through the same engine and thread settings as the network: GFLOP/s of a large
 * float32 matrix product and of a large 3x3 convolution. Their maximum is the yardstick each step's throughput is
 * a share of; a step cannot beat it, and small layers and elementwise work keep it well below.
 *
 * @param matmulGflops a 1024x1024 by 1024x1024 product
 * @param convolutionGflops 3x3, 128 to 128 channels, batch 16 of 32x32
 */
public record Peak(double matmulGflops, double convolutionGflops) {
    static final int MATMUL_SIZE = 1024;
    static final int CONV_BATCH = 16;
    static final int CONV_CHANNELS = 128;
    static final int CONV_SIZE = 32;

    public double gflops() {
        return Math.max(matmulGflops, convolutionGflops);
    }

    public static Peak measure(NDManager manager, double minSeconds) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = scope.randomNormal(new Shape(MATMUL_SIZE, MATMUL_SIZE));
            NDArray b = scope.randomNormal(new Shape(MATMUL_SIZE, MATMUL_SIZE));
            double matmulFlops = 2.0 * MATMUL_SIZE * MATMUL_SIZE * MATMUL_SIZE;
            double matmul = matmulFlops / Timing.secondsPerCall(scope, minSeconds, s -> in(s, a.matMul(b))) / 1e9;

            NDArray x = scope.randomNormal(new Shape(CONV_BATCH, CONV_CHANNELS, CONV_SIZE, CONV_SIZE));
            NDArray w = scope.randomNormal(new Shape(CONV_CHANNELS, CONV_CHANNELS, 3, 3));
            NDArray bias = scope.zeros(new Shape(CONV_CHANNELS));
            double convFlops = 2.0 * CONV_BATCH * CONV_CHANNELS * CONV_CHANNELS * 9 * CONV_SIZE * CONV_SIZE;
            Function<NDManager, NDArray> conv = s -> in(s, Conv2d.conv2d(x, w, bias, new Shape(1, 1), new Shape(1, 1))
                    .singletonOrThrow());
            double convolution = convFlops / Timing.secondsPerCall(scope, minSeconds, conv) / 1e9;
            return new Peak(matmul, convolution);
        }
    }

    /** Results land in their first operand's manager; this moves one into the call's scope. */
    private static NDArray in(NDManager scope, NDArray result) {
        result.attach(scope);
        return result;
    }
}
