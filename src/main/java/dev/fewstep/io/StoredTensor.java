package dev.fewstep.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as a safetensors file stores it: its dtype name, shape and raw little-endian bytes. Float tensors are
 * {@link Tensor}s; this form exists for the integer tensors of quantized models ({@code dev.fewstep.quant}).
 *
 * @param dtype "F32", "I8" or "U8"
 * @param data a read-only little-endian view of exactly the tensor's bytes
 */
public record StoredTensor(String dtype, long[] shape, ByteBuffer data) {
    public StoredTensor {
        long size = size(shape);
        if (data.remaining() != size * bytesPerValue(dtype)) {
            throw new IllegalArgumentException(dtype + " shape " + Arrays.toString(shape) + " does not hold "
                    + data.remaining() + " bytes");
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static StoredTensor of(Tensor t) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(t.data());
        return new StoredTensor("F32", t.shape(), bytes);
    }

    public static StoredTensor int8(long[] shape, byte[] values) {
        return new StoredTensor("I8", shape, ByteBuffer.wrap(values));
    }

    public static StoredTensor uint8(long[] shape, byte[] values) {
        return new StoredTensor("U8", shape, ByteBuffer.wrap(values));
    }

    /** The values of an F32 tensor. */
    public Tensor floats() {
        if (!dtype.equals("F32")) {
            throw new IllegalStateException("not an F32 tensor: " + dtype);
        }
        float[] values = new float[(int) size(shape)];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new Tensor(shape, values);
    }

    /** The raw bytes of an I8 or U8 tensor. */
    public byte[] bytes() {
        byte[] values = new byte[data.remaining()];
        data.duplicate().get(values);
        return values;
    }

    public long size() {
        return size(shape);
    }

    /** Bytes per value of the dtypes fewstep reads; any other dtype is refused. */
    public static int bytesPerValue(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "I8", "U8" -> 1;
            default -> throw new IllegalArgumentException("dtype " + dtype + " is not F32, I8 or U8");
        };
    }

    private static long size(long[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public String toString() {
        return "StoredTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
