package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Random;

/**
 * Super-resolution's condition: the image average-pooled by {@code factor} (32x32 to 8x8 for 4x), then upsampled back
 * to full size by nearest neighbour (each low-resolution pixel repeated factor x factor times), so it lines up pixel by
 * pixel with the image the network makes. Nearest rather than bilinear: it adds nothing the low-resolution image does
 * not hold, and it is the exact right inverse of the pooling (pooling it again gives the low-resolution image).
 * Values stay in [-1, 1]; channels are the image's.
 */
public record SuperResolution(int channels, int factor) implements Condition {
    public static final String NAME = "superres";
    /** 4x, the factor of CoDi's super-resolution task. */
    public static final int FACTOR = 4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray make(NDArray images, Random random, NDManager scope) {
        long[] s = images.getShape().getShape();
        if (s[2] % factor != 0 || s[3] % factor != 0) {
            throw new IllegalArgumentException("images of " + s[2] + "x" + s[3] + " do not pool by " + factor);
        }
        try (NDManager temporaries = scope.newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(temporaries);
            Shape window = new Shape(factor, factor);
            NDArray low = Pool.avgPool2d(x, window, window, new Shape(0, 0), false, true);
            NDArray condition = low.repeat(2, factor).repeat(3, factor);
            condition.attach(scope);
            return condition;
        }
    }
}
