package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.Conv;
import dev.fewstep.nn.GroupNorm;
import dev.fewstep.nn.Layer;
import dev.fewstep.nn.NativeMemory;

/**
 * Pre-activation residual block without a conditioning input (the autoencoder's): GroupNorm, SiLU, 3x3 convolution,
 * twice, added to the input (a 1x1 convolution when the channel count changes). The second convolution starts at
 * zero, so a fresh block is the identity.
 */
final class ConvResBlock extends Layer {
    private static final double SKIP_SCALE = Math.sqrt(0.5);
    private final GroupNorm norm1;
    private final Conv conv1;
    private final GroupNorm norm2;
    private final Conv conv2;
    private final Conv skip;

    ConvResBlock(int inChannels, int outChannels) {
        norm1 = addChildBlock("norm1", GroupNorm.of(inChannels));
        conv1 = addChildBlock("conv1", new Conv(inChannels, outChannels, 3, 1.0));
        norm2 = addChildBlock("norm2", GroupNorm.of(outChannels));
        conv2 = addChildBlock("conv2", new Conv(outChannels, outChannels, 3, 0.0));
        skip = inChannels == outChannels ? null : addChildBlock("skip", new Conv(inChannels, outChannels, 1, 1.0));
    }

    @Override
    public NDArray apply(NDArray x) {
        NDArray h = conv1.apply(silu(norm1.apply(x)));
        h = conv2.apply(silu(norm2.apply(h)));
        NDArray residual = skip == null ? x : skip.apply(x);
        return NativeMemory.times(residual.add(h), SKIP_SCALE);
    }
}
