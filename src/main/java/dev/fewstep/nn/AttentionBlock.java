package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head self-attention over the pixels of a feature map, followed by cross-attention from the pixels to
 * the prompt's context tokens (the text conditioning of latent diffusion, Rombach et al. 2022, Eq. 3).
 * Both output projections start at zero, so a fresh block is the identity.
 */
public final class AttentionBlock extends Layer {
    private final int channels;
    private final int heads;
    private final GroupNorm selfNorm;
    private final Conv qkv;
    private final Conv selfOut;
    private final GroupNorm crossNorm;
    private final Conv query;
    private final Dense keyValue;
    private final Conv crossOut;

    public AttentionBlock(int channels, int heads, int contextDim) {
        this.channels = channels;
        this.heads = heads;
        selfNorm = addChildBlock("selfNorm", GroupNorm.of(channels));
        qkv = addChildBlock("qkv", new Conv(channels, 3 * channels, 1, 1.0));
        selfOut = addChildBlock("selfOut", new Conv(channels, channels, 1, 0.0));
        crossNorm = addChildBlock("crossNorm", GroupNorm.of(channels));
        query = addChildBlock("query", new Conv(channels, channels, 1, 1.0));
        keyValue = addChildBlock("keyValue", new Dense(contextDim, 2 * channels, 1.0));
        crossOut = addChildBlock("crossOut", new Conv(channels, channels, 1, 0.0));
    }

    /** @param context (B, T, contextDim) tokens of the prompt */
    public NDArray apply(NDArray x, NDArray context) {
        return OpTimes.time(OpTimes.ATTENTION, () -> attend(x, context));
    }

    private NDArray attend(NDArray x, NDArray context) {
        Shape shape = x.getShape();
        long batch = shape.get(0);
        long pixels = shape.get(2) * shape.get(3);
        long headDim = channels / heads;

        // Self-attention: (B, 3, heads, d, HW) -> softmax(q^T k / sqrt d) over keys.
        NDArray qkvs = qkv.apply(selfNorm.apply(x)).reshape(batch, 3, heads, headDim, pixels);
        NDArray q = qkvs.get(":, 0");
        NDArray k = qkvs.get(":, 1");
        NDArray v = qkvs.get(":, 2");
        // The 1/sqrt(d) goes on q (d x HW per head) rather than on the scores (HW x HW): the same product, fewer multiplies
        // (cross-attention below has only T = 4 keys, so there the scores are the smaller side).
        NDArray weights = NativeMemory.times(q, 1 / Math.sqrt(headDim)).transpose(0, 1, 3, 2).matMul(k).softmax(-1); // (B,h,HW,HW)
        NDArray attended = v.matMul(weights.transpose(0, 1, 3, 2)).reshape(shape);
        x = x.add(selfOut.apply(attended));

        // Cross-attention: pixels ask, prompt tokens answer.
        long tokens = context.getShape().get(1);
        NDArray qc = query.apply(crossNorm.apply(x)).reshape(batch, heads, headDim, pixels);
        NDArray kv = keyValue.apply(context).reshape(batch, tokens, 2, heads, headDim);
        NDArray kc = kv.get(":, :, 0").transpose(0, 2, 3, 1); // (B,h,d,T)
        NDArray vc = kv.get(":, :, 1").transpose(0, 2, 3, 1);
        NDArray crossWeights = NativeMemory.times(qc.transpose(0, 1, 3, 2).matMul(kc), 1 / Math.sqrt(headDim)).softmax(-1); // (B,h,HW,T)
        NDArray crossAttended = vc.matMul(crossWeights.transpose(0, 1, 3, 2)).reshape(shape);
        return x.add(crossOut.apply(crossAttended));
    }

    @Override
    public NDArray apply(NDArray x) {
        throw new UnsupportedOperationException("AttentionBlock needs the context: apply(x, context)");
    }
}
