package dev.fewstep.quant;

import java.util.List;
import java.util.Map;

/**
 * How a model file was quantized, kept as JSON in its metadata under {@link Dequantizer#METADATA_KEY}.
 *
 * @param bits 8 ({@link Int8}: dtype I8, one scale per output channel) or 4 ({@link Q4}: dtype U8, two codes a byte,
 *     one scale per group)
 * @param groupSize values per scale along the flattened input dimension; 0 for one scale per whole output channel
 * @param codes the integer range used, e.g. "[-127, 127]"
 * @param floatTensors the tensors that stayed float32, and {@link Quantizer#FLOAT_RULE} says why
 * @param floatRule which tensors stay float32
 * @param shapes each quantized tensor's original shape, the one it is dequantized to
 */
public record Quantization(
        int bits, int groupSize, String codes, List<String> floatTensors, String floatRule,
        Map<String, long[]> shapes) {
    /** The integer dtype of a quantized tensor of this many bits. */
    public String dtype() {
        return bits == 8 ? "I8" : "U8";
    }
}
