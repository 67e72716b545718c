package dev.fewstep.bench;

import dev.fewstep.nn.UNetConfig;

/**
 * Floating-point operations of one image's forward pass through a {@link dev.fewstep.nn.UNet}, counted from its
 * config: a multiply-add is 2 operations. Counts convolutions, the two matrix products of every attention (scores and
 * weighted values) and linear layers; normalisation, activations and other elementwise work are left out (a few
 * operations per activation against hundreds per output of a convolution). Backward costs about twice the forward
 * (gradients with respect to inputs and to weights), so a training step is about 3x.
 *
 * <p>The walk mirrors {@link dev.fewstep.nn.UNet}'s constructor; FlopCountTest checks it against a hand count.
 *
 * @param convolution FLOPs of convolutions (3x3 and the 1x1 projections of attention and skips)
 * @param attention FLOPs of the attention matrix products (q k^T and weights v, self and cross)
 * @param linear FLOPs of linear layers (embeddings, context projection, keys and values of cross-attention)
 */
public record FlopCount(long convolution, long attention, long linear) {
    private static final int FOURIER_DIM = 64;

    public long forward() {
        return convolution + attention + linear;
    }

    /** Forward, backward (about 2x forward) together. */
    public long trainingStep() {
        return 3 * forward();
    }

    public static FlopCount of(UNetConfig c) {
        Counter n = new Counter(c);
        int emb = c.embeddingDim();
        n.linear(FOURIER_DIM, emb, 1);
        n.linear(emb, emb, 1);
        n.linear(c.textDim(), emb, 1);
        n.linear(emb, emb, 1);
        n.linear(c.textDim(), c.contextTokens() * c.contextDim(), 1);

        int resolution = c.imageSize();
        int ch = c.baseChannels();
        n.conv(c.imageChannels(), ch, 3, resolution);
        java.util.ArrayDeque<Integer> skips = new java.util.ArrayDeque<>();
        skips.push(ch);
        int[] mult = c.channelMultipliers();
        for (int level = 0; level < mult.length; level++) {
            int out = c.baseChannels() * mult[level];
            for (int i = 0; i < c.resBlocksPerLevel(); i++) {
                n.stage(ch, out, resolution);
                ch = out;
                skips.push(ch);
            }
            if (level < mult.length - 1) {
                skips.push(ch);
                resolution /= 2;
            }
        }
        n.resBlock(ch, ch, resolution);
        n.attention(ch, resolution);
        n.resBlock(ch, ch, resolution);
        for (int level = mult.length - 1; level >= 0; level--) {
            int out = c.baseChannels() * mult[level];
            for (int i = 0; i <= c.resBlocksPerLevel(); i++) {
                n.stage(ch + skips.pop(), out, resolution);
                ch = out;
            }
            if (level > 0) {
                resolution *= 2;
            }
        }
        n.conv(ch, c.imageChannels(), 3, resolution);
        return new FlopCount(n.convolution, n.attention, n.linear);
    }

    /** Accumulates by kind. */
    private static final class Counter {
        final UNetConfig c;
        long convolution;
        long attention;
        long linear;

        Counter(UNetConfig c) {
            this.c = c;
        }

        void conv(long in, long out, long kernel, long resolution) {
            convolution += 2 * in * out * kernel * kernel * resolution * resolution;
        }

        void linear(long in, long out, long tokens) {
            linear += 2 * in * out * tokens;
        }

        void resBlock(int in, int out, int resolution) {
            conv(in, out, 3, resolution);
            linear(c.embeddingDim(), 2L * out, 1);
            conv(out, out, 3, resolution);
            if (in != out) {
                conv(in, out, 1, resolution);
            }
        }

        /** A residual block of the U's arms, with attention where its resolution has it. */
        void stage(int in, int out, int resolution) {
            resBlock(in, out, resolution);
            if (hasAttention(resolution)) {
                attention(out, resolution);
            }
        }

        /** Self-attention over the pixels, then cross-attention to the prompt's tokens ({@code AttentionBlock}). */
        void attention(long channels, int resolution) {
            long pixels = (long) resolution * resolution;
            long tokens = c.contextTokens();
            conv(channels, 3 * channels, 1, resolution);
            attention += 2 * (2 * pixels * pixels * channels);
            conv(channels, channels, 1, resolution);
            conv(channels, channels, 1, resolution);
            linear(c.contextDim(), 2 * channels, tokens);
            attention += 2 * (2 * pixels * tokens * channels);
            conv(channels, channels, 1, resolution);
        }

        boolean hasAttention(int resolution) {
            for (int r : c.attentionResolutions()) {
                if (r == resolution) {
                    return true;
                }
            }
            return false;
        }
    }
}
