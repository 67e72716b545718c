package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;

/**
 * A condition image c made from a clean training image y on the fly, the input of a conditional task of CoDi (Mei et
 * al. 2024, "CoDi: Conditional Diffusion Distillation", arXiv 2310.01407, Section 4: super-resolution, inpainting and
 * edge-to-image). The same images and the same {@link Random} state give the same condition.
 */
public interface Condition {

    /** The task's name on the command line and in a model's metadata. */
    String name();

    /** Channels of the condition image. */
    int channels();

    /**
     * @param images (B, C, H, W) clean images in [-1, 1]
     * @param random the only source of randomness
     * @param scope owns the result and its temporaries
     * @return (B, {@link #channels()}, H, W)
     */
    NDArray make(NDArray images, Random random, NDManager scope);

    /**
     * The condition of images a user hands in, at the model's size.
     *
     * @param image (B, C, H, W) in [-1, 1]: the picture to upscale, to fill in, or an edge map (white edges)
     * @param mask (B, 1, H, W), 1 where the picture is to be filled, 0 elsewhere; null unless the task inpaints
     * @throws IllegalArgumentException for a mask given to a task that takes none, or none to one that needs it
     */
    default NDArray fromUser(NDArray image, NDArray mask, NDManager scope) {
        if (mask != null) {
            throw new IllegalArgumentException("a mask is only for inpainting models; this model's task is " + name());
        }
        return make(image, new Random(0), scope);
    }

    /** The names {@link #of} knows. */
    List<String> NAMES = List.of(SuperResolution.NAME, Inpainting.NAME, Sketch.NAME);

    /** The condition of a task for images of {@code imageChannels} channels. */
    static Condition of(String name, int imageChannels) {
        return switch (name) {
            case SuperResolution.NAME -> new SuperResolution(imageChannels, SuperResolution.FACTOR);
            case Inpainting.NAME -> new Inpainting(imageChannels);
            case Sketch.NAME -> new Sketch(Sketch.THRESHOLD);
            default -> throw new IllegalArgumentException("no condition '" + name + "' (one of " + NAMES + ")");
        };
    }
}
