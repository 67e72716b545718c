package dev.fewstep.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rounding to the nearest code leaves every weight within half a quantization step: |w − s q| ≤ s / 2. */
class QuantizationErrorTest {
    /** 6 channels of 70 values (not a multiple of the 4-bit group), channel 2 all zeros, one huge outlier. */
    private static float[] weights(int rows, int columns, long seed) {
        Random random = new Random(seed);
        float[] w = new float[rows * columns];
        for (int i = 0; i < w.length; i++) {
            w[i] = i / columns == 2 ? 0f : (float) (random.nextGaussian() * Math.pow(10, i / columns - 3));
        }
        w[4 * columns + 5] = 40f;
        return w;
    }

    // float rounding of w / s and q * s may add a few ulps to the exact bound
    private static float slack(float step) {
        return step * 1e-5f + Float.MIN_NORMAL;
    }

    @Test
    void int8ErrorIsAtMostHalfAStepPerWeight() {
        int rows = 6;
        int columns = 70;
        float[] w = weights(rows, columns, 1);
        Int8.Quantized q = Int8.quantize(w, rows);
        float[] back = Int8.dequantize(q);
        for (int i = 0; i < w.length; i++) {
            float step = q.scales()[i / columns];
            assertThat(Math.abs(back[i] - w[i])).as("weight %d", i).isLessThanOrEqualTo(step / 2 + slack(step));
            assertThat((int) q.values()[i]).isBetween(-Int8.MAX, Int8.MAX);
        }
        assertThat(q.scales()[2]).isZero();
        for (int j = 0; j < columns; j++) {
            assertThat(back[2 * columns + j]).isZero();
        }
        assertThat(q.scales()[4]).isEqualTo(40f / 127);
    }

    @Test
    void fourBitErrorIsAtMostHalfAStepPerWeight() {
        int rows = 6;
        int columns = 70;
        float[] w = weights(rows, columns, 2);
        Q4.Quantized q = Q4.quantize(w, rows);
        int groups = Q4.groupsPerRow(columns);
        assertThat(groups).isEqualTo(3);
        assertThat(q.packed()).hasSize(rows * Q4.bytesPerRow(columns));
        float[] back = Q4.dequantize(q, rows, columns);
        for (int i = 0; i < w.length; i++) {
            float step = q.scales()[i / columns * groups + i % columns / Q4.GROUP];
            assertThat(Math.abs(back[i] - w[i])).as("weight %d", i).isLessThanOrEqualTo(step / 2 + slack(step));
        }
        for (int j = 0; j < columns; j++) {
            assertThat(back[2 * columns + j]).isZero();
        }
        for (byte b : q.packed()) {
            // codes are q + 8 with q in [-7, 7]: nibble 0 (q = -8) is never written
            assertThat(b & 0x0f).isBetween(1, 15);
            assertThat((b & 0xff) >>> 4).isBetween(1, 15);
        }
    }

    @Test
    void fourBitPacksValueJLowAndValueJPlus16HighAsGgufQ40() {
        float[] w = new float[Q4.GROUP];
        w[0] = 7f; // code 7 -> nibble 15
        w[16] = -7f; // code -7 -> nibble 1
        w[1] = 3f; // code 3 -> nibble 11
        Q4.Quantized q = Q4.quantize(w, 1);
        assertThat(q.scales()).containsExactly(1f);
        assertThat(q.packed()[0] & 0xff).isEqualTo(15 | 1 << 4);
        assertThat(q.packed()[1] & 0xff).isEqualTo(11 | 8 << 4);
    }
}
