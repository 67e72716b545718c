package dev.fewstep.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.quant.Dequantizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * {dtype, shape, data_offsets} plus a {@code __metadata__} map of strings, then the raw little-endian data.
 * F32 tensors are read and written; I8 and U8 tensors only as parts of a quantized model, which {@link #read} turns
 * back into float tensors ({@link Dequantizer}).
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /** What a file holds. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** What a file stores, before quantized tensors are turned back into floats. */
    public record Stored(Map<String, StoredTensor> tensors, Map<String, String> metadata) {}

    /** Writes to a temporary file beside {@code path} and renames it into place, so a crash leaves the old file. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        // converted one tensor at a time while writing, so a large training state is never held twice
        write(path, tensors, metadata, t -> "F32", Tensor::shape, t -> StoredTensor.of(t).data());
    }

    /** As {@link #write(Path, Map, Map)}, for tensors of any dtype fewstep reads (quantized models). */
    public static void writeStored(Path path, Map<String, StoredTensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(path, tensors, metadata, StoredTensor::dtype, StoredTensor::shape, StoredTensor::data);
    }

    private static <T> void write(Path path, Map<String, T> tensors, Map<String, String> metadata,
            Function<T, String> dtype, Function<T, long[]> shape, Function<T, ByteBuffer> bytes) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.set("__metadata__", JSON.valueToTree(metadata));
        long offset = 0;
        for (Map.Entry<String, T> e : tensors.entrySet()) {
            long[] dims = shape.apply(e.getValue());
            long size = StoredTensor.bytesPerValue(dtype.apply(e.getValue()));
            for (long d : dims) {
                size *= d;
            }
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.apply(e.getValue()));
            entry.set("shape", JSON.valueToTree(dims));
            entry.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padding = (8 - json.length % 8) % 8; // keep the data 8-byte aligned, as the reference writer does
        byte[] padded = new byte[json.length + padding];
        System.arraycopy(json, 0, padded, 0, json.length);
        for (int i = json.length; i < padded.length; i++) {
            padded[i] = ' ';
        }
        AtomicFile.write(path, fresh -> {
            try (FileChannel channel = FileChannel.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.allocate(8 + padded.length).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(padded.length).put(padded).flip();
                writeFully(channel, head);
                for (T t : tensors.values()) {
                    writeFully(channel, bytes.apply(t).duplicate());
                }
                channel.force(true);
            }
        });
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Reads a whole file, checking every offset and size; any defect is a {@link CheckpointException}. A quantized
     * model's integer tensors come back dequantized to float32, so every caller sees the usual float weights.
     */
    public static Contents read(Path path) {
        Stored stored = readStored(path);
        if (stored.metadata().containsKey(Dequantizer.METADATA_KEY)) {
            return new Contents(Dequantizer.tensors(stored, path.toString()), stored.metadata());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        stored.tensors().forEach((name, t) -> {
            if (!t.dtype().equals("F32")) {
                throw new CheckpointException(path + ": tensor '" + name + "' has dtype " + t.dtype()
                        + "; fewstep reads F32, or I8/U8 in a quantized model (whose metadata has '"
                        + Dequantizer.METADATA_KEY + "')");
            }
            tensors.put(name, t.floats());
        });
        return new Contents(tensors, stored.metadata());
    }

    /** Reads a whole file as stored, integer tensors as they are; any defect is a {@link CheckpointException}. */
    public static Stored readStored(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("model file not found: " + path);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (bytes.length < 8) {
            throw new CheckpointException(path + " is not a safetensors file (only " + bytes.length + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
            throw new CheckpointException(path + " is truncated or corrupt (header length " + headerLength
                    + ", file " + bytes.length + " bytes)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(path + " has a corrupt header: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(path + " has a corrupt header: not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                metadata.putAll(JSON.convertValue(e.getValue(), new TypeReference<Map<String, String>>() {}));
                continue;
            }
            tensors.put(e.getKey(), readTensor(path, e.getKey(), e.getValue(), buffer, dataStart, dataLength));
        }
        return new Stored(tensors, metadata);
    }

    private static StoredTensor readTensor(Path path, String name, JsonNode entry, ByteBuffer buffer, long dataStart, long dataLength) {
        String dtype = entry.path("dtype").asText("");
        if (!dtype.equals("F32") && !dtype.equals("I8") && !dtype.equals("U8")) {
            throw new CheckpointException(path + ": tensor '" + name + "' has dtype " + dtype
                    + "; fewstep reads F32, and I8/U8 in quantized models");
        }
        JsonNode shapeNode = entry.path("shape");
        JsonNode offsets = entry.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(path + ": tensor '" + name + "' has a malformed header entry");
        }
        long[] shape = new long[shapeNode.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new CheckpointException(path + ": tensor '" + name + "' has a negative dimension");
            }
            size *= shape[i];
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataLength || end - begin != StoredTensor.bytesPerValue(dtype) * size) {
            throw new CheckpointException(path + " is truncated or corrupt: tensor '" + name + "' needs bytes "
                    + begin + ".." + end + " of " + dataLength);
        }
        ByteBuffer slice = buffer.duplicate();
        slice.position((int) (dataStart + begin)).limit((int) (dataStart + end));
        return new StoredTensor(dtype, shape, slice);
    }
}
