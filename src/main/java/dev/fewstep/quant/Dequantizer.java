package dev.fewstep.quant;

import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.StoredTensor;
import dev.fewstep.io.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a quantized model file back into float32 tensors at load time, so the network, its kind and every caller
 * stay those of the full-precision model; only the file is small. Any inconsistency is a {@link CheckpointException}
 * naming the tensor.
 */
public final class Dequantizer {
    /** The metadata key whose presence marks a quantized file; its value is a {@link Quantization}. */
    public static final String METADATA_KEY = "quantization";
    /** The key of the SHA-256 of the full-precision file that was quantized. */
    public static final String SOURCE_KEY = "quantized_from_sha256";
    /** A quantized tensor {@code w}'s scales are the F32 tensor {@code w.scale}. */
    public static final String SCALE_SUFFIX = ".scale";

    private Dequantizer() {}

    public static Quantization quantization(Map<String, String> metadata, String source) {
        return Json.read(metadata.get(METADATA_KEY), Quantization.class, source, "quantization metadata");
    }

    public static Map<String, Tensor> tensors(SafeTensors.Stored stored, String source) {
        Quantization q = quantization(stored.metadata(), source);
        if (q.bits() != 8 && q.bits() != 4 || q.shapes() == null) {
            throw new CheckpointException(source + " has corrupt quantization metadata: bits " + q.bits());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : stored.tensors().entrySet()) {
            String name = e.getKey();
            StoredTensor t = e.getValue();
            if (name.endsWith(SCALE_SUFFIX) && q.shapes().containsKey(name.substring(0, name.length() - SCALE_SUFFIX.length()))) {
                continue;
            }
            long[] shape = q.shapes().get(name);
            if (shape == null) {
                if (!t.dtype().equals("F32")) {
                    throw new CheckpointException(source + ": tensor '" + name + "' is " + t.dtype()
                            + " but the quantization metadata does not name it");
                }
                tensors.put(name, t.floats());
                continue;
            }
            tensors.put(name, dequantize(name, t, stored.tensors().get(name + SCALE_SUFFIX), shape, q, source));
        }
        for (String name : q.shapes().keySet()) {
            if (!stored.tensors().containsKey(name)) {
                throw new CheckpointException(source + ": quantized tensor '" + name + "' is missing");
            }
        }
        return tensors;
    }

    private static Tensor dequantize(String name, StoredTensor t, StoredTensor scale, long[] shape, Quantization q,
            String source) {
        String where = source + ": quantized tensor '" + name + "'";
        if (!t.dtype().equals(q.dtype())) {
            throw new CheckpointException(where + " is " + t.dtype() + ", expected " + q.dtype() + " for " + q.bits() + " bits");
        }
        if (scale == null || !scale.dtype().equals("F32")) {
            throw new CheckpointException(where + " lacks its F32 scale tensor '" + name + SCALE_SUFFIX + "'");
        }
        if (shape.length < 2 || shape[0] <= 0) {
            throw new CheckpointException(where + " has a corrupt original shape " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int columns = (int) (Arrays.stream(shape).reduce(1, (a, b) -> a * b) / rows);
        long[] expected = q.bits() == 8 ? shape : new long[] {rows, Q4.bytesPerRow(columns)};
        long scales = q.bits() == 8 ? rows : (long) rows * Q4.groupsPerRow(columns);
        if (!Arrays.equals(t.shape(), expected)) {
            throw new CheckpointException(where + " has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(expected) + " for its original shape " + Arrays.toString(shape));
        }
        if (scale.size() != scales) {
            throw new CheckpointException(where + " has " + scale.size() + " scales, expected " + scales);
        }
        float[] s = scale.floats().data();
        float[] values = q.bits() == 8
                ? Int8.dequantize(new Int8.Quantized(t.bytes(), s))
                : Q4.dequantize(new Q4.Quantized(t.bytes(), s), rows, columns);
        return new Tensor(shape, values);
    }
}
