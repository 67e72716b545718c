package dev.fewstep.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.nn.UNetConfig;
import org.junit.jupiter.api.Test;

class FlopCountTest {
    /** 2 in out k^2 r^2: a multiply-add per weight per output pixel. */
    private static long conv(long in, long out, long k, long r) {
        return 2 * in * out * k * k * r * r;
    }

    private static long linear(long in, long out) {
        return 2 * in * out;
    }

    /**
     * UNetConfig.tiny(1): 1 channel, 32x32, base 8, levels x1 x2, one block per level, attention at 16, 2 context
     * tokens of 8, embedding 32. Written out layer by layer from the U-Net's structure.
     */
    @Test
    void tinyNetworkMatchesAHandCount() {
        long emb = 32;
        long linear = linear(64, emb) + linear(emb, emb) + linear(384, emb) + linear(emb, emb) + linear(384, 2 * 8);
        long conv = conv(1, 8, 3, 32) + conv(8, 1, 3, 32); // input and output
        // Residual blocks (in, out, resolution): two 3x3 convolutions, a 1x1 skip when in != out, the AdaGN embedding.
        long[][] blocks = {{8, 8, 32}, {8, 16, 16}, {16, 16, 16}, {16, 16, 16}, {32, 16, 16}, {24, 16, 16},
            {24, 8, 32}, {16, 8, 32}};
        for (long[] b : blocks) {
            conv += conv(b[0], b[1], 3, b[2]) + conv(b[1], b[1], 3, b[2]) + (b[0] != b[1] ? conv(b[0], b[1], 1, b[2]) : 0);
            linear += linear(emb, 2 * b[1]);
        }
        // Attention at 16x16 with 16 channels: after down1, in the middle, after both up1 blocks.
        int attentionBlocks = 4;
        long pixels = 256;
        long perAttentionConv = conv(16, 48, 1, 16) + 3 * conv(16, 16, 1, 16); // qkv, self out, query, cross out
        long perAttentionLinear = 2 * linear(8, 32); // keys and values of 2 tokens
        long perAttention = 2 * 2 * pixels * pixels * 16 + 2 * 2 * pixels * 2 * 16; // self, cross: q k^T and weights v
        conv += attentionBlocks * perAttentionConv;
        linear += attentionBlocks * perAttentionLinear;

        FlopCount count = FlopCount.of(UNetConfig.tiny(1));

        assertThat(count.convolution()).isEqualTo(conv);
        assertThat(count.linear()).isEqualTo(linear);
        assertThat(count.attention()).isEqualTo(attentionBlocks * perAttention);
        assertThat(count.trainingStep()).isEqualTo(3 * (conv + linear + attentionBlocks * perAttention));
    }
}
