package dev.fewstep.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The condition images of a conditional model's generation (CoDi's c), already in the model's condition channels:
 * either one image that every generated image shares, or one per generated image.
 *
 * @param values {@code count} channels-first images of channels x size x size
 */
public record Control(float[] values, int count, int channels, int size) {

    public Control {
        if (values.length != (long) count * channels * size * size) {
            throw new IllegalArgumentException(values.length + " values are not " + count + " images of " + channels + "x"
                    + size + "x" + size);
        }
    }

    /** One condition for every image. */
    public static Control of(float[] image, int channels, int size) {
        return new Control(image, 1, channels, size);
    }

    /** The conditions of {@code batch} images: the shared one repeated, or images [from, from + batch) of many. */
    public NDArray batch(NDManager manager, int from, int batch) {
        int length = channels * size * size;
        float[] out = new float[batch * length];
        for (int i = 0; i < batch; i++) {
            int source = count == 1 ? 0 : from + i;
            if (source >= count) {
                throw new IllegalArgumentException("condition " + source + " of " + count + " asked for");
            }
            System.arraycopy(values, source * length, out, i * length, length);
        }
        return manager.create(out, new Shape(batch, channels, size, size));
    }
}
