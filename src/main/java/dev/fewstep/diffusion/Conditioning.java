package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * What a denoiser is conditioned on, per sample: the prompt's sentence embedding and whether the prompt is
 * dropped (then the network's learned null embedding replaces it, as in classifier-free guidance training).
 *
 * @param textEmbedding (B, textDim)
 * @param isNull (B) 1 for "no prompt", 0 otherwise
 * @param negative (B, textDim) a negative prompt's embedding, which the unconditional branch of guidance uses in
 *     place of the null embedding, or null for none
 * @param control (B, C_c, H, W) a condition image per sample for a controlled model (CoDi's c: a low-resolution
 *     image, a masked image with its mask, an edge map), or null. Guidance keeps it in both branches, as ControlNet
 *     does: only the prompt is dropped.
 * @param camera (B, 4) the view of each sample as {@code Camera.embedding()} gives it (sin a, cos a, sin e, cos e) for
 *     a view-conditioned model, or null. Guidance keeps it in both branches: the guidance is over the text, the view
 *     is always known.
 */
public record Conditioning(NDArray textEmbedding, NDArray isNull, NDArray negative, NDArray control, NDArray camera) {

    public Conditioning(NDArray textEmbedding, NDArray isNull) {
        this(textEmbedding, isNull, null, null, null);
    }

    public Conditioning(NDArray textEmbedding, NDArray isNull, NDArray negative) {
        this(textEmbedding, isNull, negative, null, null);
    }

    public Conditioning(NDArray textEmbedding, NDArray isNull, NDArray negative, NDArray control) {
        this(textEmbedding, isNull, negative, control, null);
    }

    /** The same prompts with a negative prompt for guidance's unconditional branch. */
    public Conditioning withNegative(NDArray negativeEmbedding) {
        return new Conditioning(textEmbedding, isNull, negativeEmbedding, control, camera);
    }

    /** The same prompts with a condition image per sample. */
    public Conditioning withControl(NDArray condition) {
        return new Conditioning(textEmbedding, isNull, negative, condition, camera);
    }

    /** The same prompts seen from a camera per sample, (B, 4) as {@code Camera.embedding()} lays it out. */
    public Conditioning withCamera(NDArray cameras) {
        return new Conditioning(textEmbedding, isNull, negative, control, cameras);
    }

    public static Conditioning of(NDArray textEmbedding) {
        long batch = textEmbedding.getShape().get(0);
        return new Conditioning(textEmbedding, textEmbedding.getManager().zeros(new Shape(batch)));
    }

    /**
     * The unconditional branch of guidance: the same embeddings marked as dropped, or the negative prompt as a prompt
     * (guidance then moves away from it instead of from "no prompt").
     */
    public Conditioning unconditional() {
        return negative == null ? new Conditioning(textEmbedding, isNull.onesLike(), null, control, camera)
                : new Conditioning(negative, isNull.zerosLike(), null, control, camera);
    }

    public static Conditioning unconditional(NDManager manager, int batch, int textDim) {
        return new Conditioning(manager.zeros(new Shape(batch, textDim)), manager.ones(new Shape(batch)));
    }

    public long batchSize() {
        return textEmbedding.getShape().get(0);
    }

    /** Stacks two conditionings along the batch axis (conditional and unconditional in one pass). */
    public Conditioning concat(Conditioning other) {
        return new Conditioning(
                NDArrays.concat(new NDList(textEmbedding, other.textEmbedding)),
                NDArrays.concat(new NDList(isNull, other.isNull)),
                negative == null || other.negative == null ? null : NDArrays.concat(new NDList(negative, other.negative)),
                control == null || other.control == null ? null : NDArrays.concat(new NDList(control, other.control)),
                camera == null || other.camera == null ? null : NDArrays.concat(new NDList(camera, other.camera)));
    }

    /** Rows [from, to) of the batch. */
    public Conditioning slice(long from, long to) {
        return new Conditioning(textEmbedding.get(from + ":" + to), isNull.get(from + ":" + to),
                negative == null ? null : negative.get(from + ":" + to), control == null ? null : control.get(from + ":" + to),
                camera == null ? null : camera.get(from + ":" + to));
    }
}
