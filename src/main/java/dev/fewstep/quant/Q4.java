package dev.fewstep.quant;

/**
 * Symmetric 4-bit in groups of {@value #GROUP} consecutive values along each output channel's flattened input
 * dimension, laid out as GGUF's Q4_0 block (ggml, {@code quantize_row_q4_0_ref} in ggml-quants.c): one scale per
 * group and 16 bytes of codes, byte j holding value j in its low nibble and value j + 16 in its high nibble, each
 * stored as q + 8. Unlike Q4_0, whose scale is the signed extreme / −8 so that codes span [−8, 7], codes here span
 * [−7, 7] with s = max |w| / 7: symmetric like {@link Int8}, so q and −q are opposite values and |w − s q| ≤ s / 2 for
 * every value, at the price of one unused code. A channel whose length is not a multiple of {@value #GROUP} ends in
 * a group padded with zeros.
 */
public final class Q4 {
    public static final int GROUP = 32;
    static final int MAX = 7;
    private static final int OFFSET = 8;
    private static final int BYTES_PER_GROUP = GROUP / 2;

    private Q4() {}

    /** Packed codes, {@link #bytesPerRow} per output channel, and one scale per group, row-major. */
    public record Quantized(byte[] packed, float[] scales) {}

    public static int groupsPerRow(int columns) {
        return (columns + GROUP - 1) / GROUP;
    }

    public static int bytesPerRow(int columns) {
        return groupsPerRow(columns) * BYTES_PER_GROUP;
    }

    public static Quantized quantize(float[] weights, int rows) {
        int columns = columns(weights.length, rows);
        int groups = groupsPerRow(columns);
        byte[] packed = new byte[rows * groups * BYTES_PER_GROUP];
        float[] scales = new float[rows * groups];
        int[] codes = new int[GROUP];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int start = r * columns + g * GROUP;
                int count = Math.min(GROUP, columns - g * GROUP);
                float max = 0;
                for (int j = 0; j < count; j++) {
                    max = Math.max(max, Math.abs(weights[start + j]));
                }
                float scale = max / MAX;
                scales[r * groups + g] = scale;
                for (int j = 0; j < GROUP; j++) {
                    int code = j < count && max > 0 ? Math.round(weights[start + j] / scale) : 0;
                    codes[j] = Math.max(-MAX, Math.min(MAX, code)) + OFFSET;
                }
                int base = (r * groups + g) * BYTES_PER_GROUP;
                for (int j = 0; j < BYTES_PER_GROUP; j++) {
                    packed[base + j] = (byte) (codes[j] | codes[j + BYTES_PER_GROUP] << 4);
                }
            }
        }
        return new Quantized(packed, scales);
    }

    /** The {@code rows × columns} values, padding dropped. */
    public static float[] dequantize(Quantized quantized, int rows, int columns) {
        int groups = groupsPerRow(columns);
        if (quantized.packed().length != rows * groups * BYTES_PER_GROUP || quantized.scales().length != rows * groups) {
            throw new IllegalArgumentException("packed 4-bit data does not hold " + rows + " x " + columns + " values");
        }
        float[] weights = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < columns; j++) {
                int g = j / GROUP;
                int inGroup = j % GROUP;
                int b = quantized.packed()[(r * groups + g) * BYTES_PER_GROUP + inGroup % BYTES_PER_GROUP] & 0xff;
                int code = (inGroup < BYTES_PER_GROUP ? b & 0x0f : b >>> 4) - OFFSET;
                weights[r * columns + j] = code * quantized.scales()[r * groups + g];
            }
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
