package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;

/**
 * The camera of a view-conditioned U-Net: a small MLP, h = SiLU(W₁ c + b₁), gives one more context token W₂ h + b₂
 * for cross-attention, appended to the prompt's tokens, so the attention blocks keep their shapes; a third layer adds
 * W₃ h + b₃ to the noise-level embedding of every residual block, as MVDream (Shi et al. 2023, Section 3.1) adds its
 * camera embedding to the time embedding. c is {@code Camera.embedding()}: (sin a, cos a, sin e, cos e).
 */
final class CameraToken extends Layer {
    private final Dense hidden;
    private final Dense token;
    private final Dense toEmbedding;
    private final int cameraDim;

    /** What the camera adds: (B, 1, contextDim) one context token and (B, emb) to the noise-level embedding. */
    record Embedded(NDArray token, NDArray embedding) {}

    CameraToken(int cameraDim, int contextDim, int embeddingDim) {
        this.cameraDim = cameraDim;
        hidden = addChildBlock("hidden", new Dense(cameraDim, contextDim, 1.0));
        token = addChildBlock("token", new Dense(contextDim, contextDim, 1.0));
        toEmbedding = addChildBlock("embedding", new Dense(contextDim, embeddingDim, 1.0));
    }

    Embedded embed(NDArray cameras) {
        NDArray h = silu(hidden.apply(cameras));
        return new Embedded(token.apply(h).expandDims(1), toEmbedding.apply(h));
    }

    /**
     * What {@code network}'s camera adds for {@code cameras}: null for a network without a camera given none.
     *
     * @throws IllegalArgumentException, with a message a user can act on, for a camera missing, given to a network
     *     without one, or not (batch, cameraDim)
     */
    static Embedded embed(CameraToken network, NDArray cameras, long batch) {
        if (network == null) {
            if (cameras != null) {
                throw new IllegalArgumentException("this model is not view-conditioned (it was trained without"
                        + " cameras); it cannot take an azimuth or elevation");
            }
            return null;
        }
        return network.embed(network.checked(cameras, batch));
    }

    private NDArray checked(NDArray cameras, long batch) {
        if (cameras == null) {
            throw new IllegalArgumentException("this model is view-conditioned: it needs a camera for every image"
                    + " (an azimuth and an elevation)");
        }
        long[] shape = cameras.getShape().getShape();
        if (shape.length != 2 || shape[0] != batch || shape[1] != cameraDim) {
            throw new IllegalArgumentException("cameras of shape " + cameras.getShape() + " for " + batch
                    + " images; the model takes (" + batch + ", " + cameraDim + ")");
        }
        return cameras;
    }

    @Override
    public NDArray apply(NDArray x) {
        return embed(x).token();
    }
}
