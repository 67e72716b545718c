package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Inpainting's condition: the image with one random box per image blanked to 0 (mid-grey in [-1, 1]; not -1, which is
 * Fashion-MNIST's background, so a blank is never mistaken for content), followed by the mask as one more channel,
 * 1 inside the box and 0 outside. Box sides are drawn uniformly from [size/4, size/2] and the box lies wholly inside the
 * image, every position equally likely; the draws are height, width, top, left, image by image.
 */
public record Inpainting(int imageChannels) implements Condition {
    public static final String NAME = "inpaint";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int channels() {
        return imageChannels + 1;
    }

    @Override
    public NDArray make(NDArray images, Random random, NDManager scope) {
        long[] s = images.getShape().getShape();
        int batch = (int) s[0];
        int height = (int) s[2];
        int width = (int) s[3];
        float[] mask = new float[batch * height * width];
        for (int b = 0; b < batch; b++) {
            int boxHeight = side(height, random);
            int boxWidth = side(width, random);
            int top = random.nextInt(height - boxHeight + 1);
            int left = random.nextInt(width - boxWidth + 1);
            for (int r = top; r < top + boxHeight; r++) {
                for (int c = left; c < left + boxWidth; c++) {
                    mask[(b * height + r) * width + c] = 1;
                }
            }
        }
        try (NDManager temporaries = scope.newSubManager()) {
            NDArray hole = temporaries.create(mask, new Shape(batch, 1, height, width));
            NDArray x = images.duplicate();
            x.attach(temporaries);
            NDArray kept = x.mul(hole.neg().add(1)); // blanked to 0
            NDArray condition = NDArrays.concat(new NDList(kept, hole), 1);
            condition.attach(scope);
            return condition;
        }
    }

    /** The user's picture blanked where the mask is 1, then the mask. */
    @Override
    public NDArray fromUser(NDArray image, NDArray mask, NDManager scope) {
        if (mask == null) {
            throw new IllegalArgumentException("an inpainting model needs a mask (white where the picture is to be filled)");
        }
        try (NDManager temporaries = scope.newSubManager()) {
            NDArray x = image.duplicate();
            x.attach(temporaries);
            NDArray hole = mask.duplicate();
            hole.attach(temporaries);
            NDArray condition = NDArrays.concat(new NDList(x.mul(hole.neg().add(1)), hole), 1);
            condition.attach(scope);
            return condition;
        }
    }

    private static int side(int size, Random random) {
        int min = Math.max(1, size / 4);
        return min + random.nextInt(size / 2 - min + 1);
    }
}
