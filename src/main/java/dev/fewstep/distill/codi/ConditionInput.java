package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.generate.Control;
import dev.fewstep.generate.ImageInput;
import dev.fewstep.model.ModelInfo;
import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * Turns the images a user hands a conditional model (a condition and, for inpainting, a mask of the same size) into
 * its {@link Control}: both resized to the model's size by area averaging, the mask thresholded at mid-grey (white =
 * fill), then the task's condition ({@link Condition#fromUser}). A super-resolution model reads any picture as its
 * 4x-pooled version, so an 8x8 picture and the 32x32 one it came from give the same condition.
 */
public final class ConditionInput {
    private ConditionInput() {}

    /** The model's task, if it is a conditional model. */
    public static Optional<Condition> task(ModelInfo info) {
        return info.extra().containsKey("task") ? Optional.of(ControlledKinds.task(info)) : Optional.empty();
    }

    /**
     * @param name the model's name, for messages
     * @param condition the user's condition image, or null
     * @param mask the user's mask, or null
     * @return the control for the model, or empty for an unconditional model given neither image
     * @throws IllegalArgumentException when the images and the model do not go together
     */
    public static Optional<Control> of(String name, ModelInfo info, BufferedImage condition, BufferedImage mask) {
        Optional<Condition> task = task(info);
        if (task.isEmpty()) {
            if (condition != null || mask != null) {
                throw new IllegalArgumentException(name + " is not a conditional model; a condition image (and a mask) is"
                        + " for the models train-adapter and distill codi make");
            }
            return Optional.empty();
        }
        if (condition == null) {
            throw new IllegalArgumentException(name + " is a " + task.get().name() + " model: give it a condition image"
                    + (task.get() instanceof Inpainting ? " and a mask" : ""));
        }
        if (mask != null && (mask.getWidth() != condition.getWidth() || mask.getHeight() != condition.getHeight())) {
            throw new IllegalArgumentException("the mask is " + mask.getWidth() + "x" + mask.getHeight()
                    + " but the condition image is " + condition.getWidth() + "x" + condition.getHeight()
                    + "; they must be the same size");
        }
        int channels = info.config().imageChannels();
        int size = info.config().imageSize();
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray image = scope.create(ImageInput.signed(ImageInput.pixels(condition, channels, size)),
                    new Shape(1, channels, size, size));
            NDArray hole = mask == null ? null : scope.create(threshold(ImageInput.pixels(mask, 1, size)),
                    new Shape(1, 1, size, size));
            NDArray c = task.get().fromUser(image, hole, scope);
            return Optional.of(Control.of(c.toFloatArray(), task.get().channels(), size));
        }
    }

    private static float[] threshold(float[] unit) {
        float[] out = new float[unit.length];
        for (int i = 0; i < unit.length; i++) {
            out[i] = unit[i] > 0.5f ? 1 : 0;
        }
        return out;
    }
}
