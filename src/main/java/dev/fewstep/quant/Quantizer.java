package dev.fewstep.quant;

import dev.fewstep.data.Emoji;
import dev.fewstep.io.Json;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.StoredTensor;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a quantized copy of a model: weight matrices and convolution kernels as {@link Int8} or {@link Q4}, the
 * rest float32, and the source's metadata unchanged (so its kind, config, prompts and sigmas) plus the
 * {@link Quantization} and the source file's SHA-256. A latent model's decoder is quantized by the same rule; the
 * source's attribution file, if any, is copied.
 */
public final class Quantizer {
    /** Tensors smaller than this stay float: their scales would cost about as much as the saving. */
    public static final int MIN_VALUES = 256;
    public static final String FLOAT_RULE = "biases and other vectors (rank < 2 or first dimension 1: normalisation "
            + "gains and offsets, the null embedding), and tensors of fewer than " + MIN_VALUES + " values (here the "
            + "first and last convolutions)";

    private Quantizer() {}

    /** What was written. */
    public record Result(Path file, long bytes, long sourceBytes, int quantized, List<String> floatTensors) {}

    /** @throws IllegalArgumentException for bits other than 8 and 4, an existing output model, or a quantized source */
    public static Result quantize(Path sourceDir, Path outDir, int bits) throws IOException {
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("--bits must be 8 or 4, not " + bits);
        }
        Path out = outDir.resolve(ModelStore.WEIGHTS);
        if (Files.exists(out)) {
            throw new IllegalArgumentException("refusing to overwrite the model at " + outDir
                    + "; choose another --out or delete it first");
        }
        Path source = sourceDir.resolve(ModelStore.WEIGHTS);
        SafeTensors.Contents contents = SafeTensors.read(source);
        ModelInfo.fromMetadata(contents.metadata(), source.toString()); // only fewstep models are quantized
        if (contents.metadata().containsKey(Dequantizer.METADATA_KEY)) {
            throw new IllegalArgumentException(sourceDir + " is already quantized; quantize its full-precision source");
        }
        Map<String, StoredTensor> stored = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<String> floats = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
            Tensor t = e.getValue();
            if (staysFloat(t.shape())) {
                floats.add(e.getKey());
                stored.put(e.getKey(), StoredTensor.of(t));
                continue;
            }
            shapes.put(e.getKey(), t.shape());
            int rows = (int) t.shape()[0];
            if (bits == 8) {
                Int8.Quantized q = Int8.quantize(t.data(), rows);
                stored.put(e.getKey(), StoredTensor.int8(t.shape(), q.values()));
                stored.put(e.getKey() + Dequantizer.SCALE_SUFFIX, scales(new long[] {rows}, q.scales()));
            } else {
                int columns = t.data().length / rows;
                Q4.Quantized q = Q4.quantize(t.data(), rows);
                stored.put(e.getKey(), StoredTensor.uint8(new long[] {rows, Q4.bytesPerRow(columns)}, q.packed()));
                stored.put(e.getKey() + Dequantizer.SCALE_SUFFIX,
                        scales(new long[] {rows, Q4.groupsPerRow(columns)}, q.scales()));
            }
        }
        Quantization quantization = new Quantization(bits, bits == 8 ? 0 : Q4.GROUP,
                bits == 8 ? "[-127, 127]" : "[-7, 7]", floats, FLOAT_RULE, shapes);
        Map<String, String> metadata = new LinkedHashMap<>(contents.metadata());
        metadata.put(Dequantizer.METADATA_KEY, Json.write(quantization));
        metadata.put(Dequantizer.SOURCE_KEY, ModelStore.sha256(source));
        SafeTensors.writeStored(out, stored, metadata);
        Path attribution = sourceDir.resolve(Emoji.ATTRIBUTION_FILE); // the licences of the images travel with a copy
        if (Files.isRegularFile(attribution)) {
            Files.copy(attribution, outDir.resolve(Emoji.ATTRIBUTION_FILE));
        }
        return new Result(out, Files.size(out), Files.size(source), shapes.size(), floats);
    }

    /** Whether a tensor of this shape is kept float32 ({@link #FLOAT_RULE}). */
    public static boolean staysFloat(long[] shape) {
        return shape.length < 2 || shape[0] == 1 || Arrays.stream(shape).reduce(1, (a, b) -> a * b) < MIN_VALUES;
    }

    private static StoredTensor scales(long[] shape, float[] values) {
        return StoredTensor.of(new Tensor(shape, values));
    }
}
