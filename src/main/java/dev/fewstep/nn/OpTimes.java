package dev.fewstep.nn;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Seconds spent per kind of operation (convolution, normalisation, attention, ...) while a recording is open on the
 * current thread. Layers wrap their work in {@link #time}; a kind's time is exclusive of the kinds nested inside it
 * (an attention block's own convolutions count as convolution). PyTorch's CPU operators return when their result
 * is computed, so wall time around a call is the operator's time. Without an open recording {@link #time} is one
 * thread-local read.
 */
public final class OpTimes implements AutoCloseable {
    public static final String CONVOLUTION = "convolution";
    public static final String LINEAR = "linear";
    public static final String NORMALISATION = "normalisation";
    public static final String ATTENTION = "attention";
    public static final String ELEMENTWISE = "elementwise";

    private static final ThreadLocal<OpTimes> CURRENT = new ThreadLocal<>();

    private final Map<String, Long> exclusiveNanos = new LinkedHashMap<>();
    /** Nanoseconds of nested kinds, one entry per open {@link #time} call. */
    private final Deque<long[]> nested = new ArrayDeque<>();

    private OpTimes() {}

    /** Starts recording on this thread; close to stop. */
    public static OpTimes record() {
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a recording is already open on this thread");
        }
        OpTimes times = new OpTimes();
        CURRENT.set(times);
        return times;
    }

    public static <T> T time(String kind, Supplier<T> work) {
        OpTimes times = CURRENT.get();
        return times == null ? work.get() : times.measure(kind, work);
    }

    private <T> T measure(String kind, Supplier<T> work) {
        long[] inner = {0};
        nested.push(inner);
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            long total = System.nanoTime() - start;
            nested.pop();
            exclusiveNanos.merge(kind, total - inner[0], Long::sum);
            if (!nested.isEmpty()) {
                nested.peek()[0] += total;
            }
        }
    }

    /** Seconds per kind, exclusive of nested kinds, in the order the kinds were first seen. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        exclusiveNanos.forEach((kind, nanos) -> out.put(kind, nanos / 1e9));
        return out;
    }

    public double totalSeconds() {
        return exclusiveNanos.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }

    @Override
    public void close() {
        CURRENT.remove();
    }
}
