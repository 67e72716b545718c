package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Random;

/**
 * The edge-to-image task's condition (CoDi's Canny edges, here without non-maximum suppression): the Sobel gradient
 * magnitude |G| = sqrt(G_x^2 + G_y^2) of the image's channel mean, 1 where |G| &gt; {@code threshold} and -1 elsewhere,
 * one channel. The image is padded by repeating its border pixels, so a border is not an edge; the 3x3 Sobel kernels
 * are sums of shifted slices, with no constant tensor a backward pass could keep.
 */
public record Sketch(double threshold) implements Condition {
    public static final String NAME = "sketch";
    /**
     * |G| of a step of 1/8 of the [-1, 1] range (a step d gives |G| = 4d): finer shading is not an edge.
     */
    public static final double THRESHOLD = 1.0;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public NDArray make(NDArray images, Random random, NDManager scope) {
        try (NDManager temporaries = scope.newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(temporaries);
            long h = x.getShape().get(2);
            long w = x.getShape().get(3);
            NDArray p = replicatePad(x.mean(new int[] {1}, true));
            // G_x = [1 0 -1; 2 0 -2; 1 0 -1] (up to sign), G_y its transpose, as slices of the padded image.
            NDArray right = p.get(":, :, :, 2:" + (w + 2));
            NDArray left = p.get(":, :, :, 0:" + w);
            NDArray dx = right.sub(left);
            NDArray gx = rows(dx, 0, h).add(twice(rows(dx, 1, h))).add(rows(dx, 2, h));
            NDArray down = p.get(":, :, 2:" + (h + 2) + ", :");
            NDArray up = p.get(":, :, 0:" + h + ", :");
            NDArray dy = down.sub(up);
            NDArray gy = columns(dy, 0, w).add(twice(columns(dy, 1, w))).add(columns(dy, 2, w));
            NDArray magnitude = gx.square().add(gy.square()).sqrt();
            NDArray edges = magnitude.gt(threshold).toType(x.getDataType(), false);
            NDArray condition = twice(edges).sub(1); // {0, 1} to {-1, 1}
            condition.attach(scope);
            return condition;
        }
    }

    private static NDArray twice(NDArray x) {
        return x.add(x);
    }

    private static NDArray rows(NDArray x, long from, long count) {
        return x.get(":, :, " + from + ":" + (from + count) + ", :");
    }

    private static NDArray columns(NDArray x, long from, long count) {
        return x.get(":, :, :, " + from + ":" + (from + count));
    }

    /** (B, 1, H, W) to (B, 1, H + 2, W + 2), the border rows and columns repeated once. */
    private static NDArray replicatePad(NDArray x) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray tall = NDArrays.concat(new NDList(rows(x, 0, 1), x, rows(x, h - 1, 1)), 2);
        return NDArrays.concat(new NDList(columns(tall, 0, 1), tall, columns(tall, w - 1, 1)), 3);
    }

    /** A user's sketch is an edge map already: white (above mid-grey) is an edge. */
    @Override
    public NDArray fromUser(NDArray image, NDArray mask, NDManager scope) {
        if (mask != null) {
            throw new IllegalArgumentException("a mask is only for inpainting models; this model's task is " + name());
        }
        NDArray edges = image.mean(new int[] {1}, true).gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .mul(2).sub(1);
        edges.attach(scope);
        return edges;
    }
}
