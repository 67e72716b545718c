package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Pre-activation residual block with adaptive group norm: the noise-level-and-prompt embedding sets a
 * per-channel scale and shift of the second normalisation (Dhariwal &amp; Nichol 2021, "AdaGN").
 */
public final class ResBlock extends Layer {
    private static final double SKIP_SCALE = Math.sqrt(0.5);
    private final int outChannels;
    private final GroupNorm norm1;
    private final Conv conv1;
    private final Dense embedding;
    private final GroupNorm norm2;
    private final Conv conv2;
    private final Conv skip;

    public ResBlock(int inChannels, int outChannels, int embeddingDim) {
        this.outChannels = outChannels;
        norm1 = addChildBlock("norm1", GroupNorm.of(inChannels));
        conv1 = addChildBlock("conv1", new Conv(inChannels, outChannels, 3, 1.0));
        embedding = addChildBlock("embedding", new Dense(embeddingDim, 2 * outChannels, 1.0));
        norm2 = addChildBlock("norm2", GroupNorm.of(outChannels));
        conv2 = addChildBlock("conv2", new Conv(outChannels, outChannels, 3, 0.0));
        skip = inChannels == outChannels ? null : addChildBlock("skip", new Conv(inChannels, outChannels, 1, 1.0));
    }

    public NDArray apply(NDArray x, NDArray emb) {
        return OpTimes.time(OpTimes.ELEMENTWISE, () -> residual(x, emb));
    }

    private NDArray residual(NDArray x, NDArray emb) {
        NDArray h = conv1.apply(silu(norm1.apply(x)));
        NDList scaleShift = embedding.apply(silu(emb)).reshape(-1, 2 * outChannels, 1, 1).split(2, 1);
        h = norm2.apply(h, scaleShift.get(0), scaleShift.get(1));
        h = conv2.apply(silu(h));
        NDArray residual = skip == null ? x : skip.apply(x);
        return NativeMemory.times(residual.add(h), SKIP_SCALE);
    }

    @Override
    public NDArray apply(NDArray x) {
        throw new UnsupportedOperationException("ResBlock needs the embedding: apply(x, emb)");
    }
}
