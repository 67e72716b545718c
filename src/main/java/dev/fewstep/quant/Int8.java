package dev.fewstep.quant;

/**
 * Symmetric int8 with one scale per output channel (a row: the first dimension of a weight tensor), the scheme of
 * LLM.int8()'s vector-wise quantization without its outlier split (Dettmers et al. 2022, sec. 3.1):
 * s_r = max_j |w_rj| / 127, q_rj = round(w_rj / s_r) in [-127, 127], w_rj ≈ s_r q_rj, so |w − s q| ≤ s / 2.
 * -128 is never used, keeping the range symmetric so that q and −q dequantize to opposite values.
 */
public final class Int8 {
    static final int MAX = 127;

    private Int8() {}

    /** Row-major values of {@code rows} output channels, and one scale per channel. */
    public record Quantized(byte[] values, float[] scales) {}

    public static Quantized quantize(float[] weights, int rows) {
        int columns = columns(weights.length, rows);
        byte[] q = new byte[weights.length];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int j = 0; j < columns; j++) {
                max = Math.max(max, Math.abs(weights[r * columns + j]));
            }
            // a channel of zeros keeps scale 0 and codes 0 instead of dividing by zero
            scales[r] = max / MAX;
            for (int j = 0; j < columns && max > 0; j++) {
                int code = Math.round(weights[r * columns + j] / scales[r]);
                q[r * columns + j] = (byte) Math.max(-MAX, Math.min(MAX, code));
            }
        }
        return new Quantized(q, scales);
    }

    public static float[] dequantize(Quantized quantized) {
        byte[] q = quantized.values();
        float[] scales = quantized.scales();
        int columns = columns(q.length, scales.length);
        float[] weights = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            weights[i] = q[i] * scales[i / columns];
        }
        return weights;
    }

    private static int columns(int size, int rows) {
        if (rows <= 0 || size % rows != 0) {
            throw new IllegalArgumentException(size + " values do not split into " + rows + " channels");
        }
        return size / rows;
    }
}
