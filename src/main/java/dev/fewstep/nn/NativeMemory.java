package dev.fewstep.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keeps every tensor that PyTorch holds on to in PyTorch-owned memory.
 *
 * <p>In DJL 0.36's PyTorch engine an array made from Java data ({@code create(float[])}, {@code create(Number)},
 * {@code set(float[])}) is a {@code from_blob} view of a Java direct buffer that only the Java wrapper keeps alive.
 * Two everyday calls turn that into use-after-free once the garbage collector runs:
 * <ul>
 *   <li>{@code x.mul(Number)} / {@code div(Number)} build the scalar that way and close its wrapper at once, but
 *       autograd saves the scalar for the backward pass: a collection between forward and backward frees it and
 *       the gradients are garbage or NaN;</li>
 *   <li>{@code gradient.set(float[])} re-points the storage of a parameter's gradient at a buffer owned by a
 *       short-lived wrapper: the next backward accumulates into freed memory and corrupts the C heap (the
 *       SIGSEGV/SIGABRT "corrupted double-linked list" crashes seen in long training runs).</li>
 * </ul>
 * Use {@link #times} and {@link #plus} for constants inside differentiated code and {@link #assign} / {@link #zero} to write into
 * existing tensors; both copy into PyTorch's own storage.
 */
public final class NativeMemory {
    private NativeMemory() {}

    /**
     * {@code x * value} with the constant a 0-d array made by PyTorch in x's manager, so autograd may keep it for
     * the backward pass.
     */
    public static NDArray times(NDArray x, double value) {
        return x.mul(x.getManager().full(new Shape(), (float) value));
    }

    /** {@code x + value}, the constant made by PyTorch as in {@link #times}. */
    public static NDArray plus(NDArray x, double value) {
        return x.add(x.getManager().full(new Shape(), (float) value));
    }

    /**
     * target[...] = value: copies into target's existing storage. The write goes through a detached view of that
     * storage, so it is legal on parameters that require gradients in any thread (PyTorch's grad mode is per
     * thread, and DJL switches it off only in the thread that started the engine).
     */
    public static void assign(NDArray target, NDArray value) {
        try (NDArray view = target.stopGradient()) {
            view.set(new NDIndex("..."), value);
        }
    }

    /** Copies {@code values} into target's existing storage (its shape must hold exactly that many values). */
    public static void assign(NDArray target, float[] values) {
        try (NDManager scratch = target.getManager().newSubManager()) {
            assign(target, scratch.create(values, target.getShape()));
        }
    }

    /** Sets every element to 0 in place (unlike {@code x.subi(x)}, also when x holds NaN or infinity). */
    public static void zero(NDArray target) {
        try (NDArray view = target.stopGradient()) {
            view.set(new NDIndex("..."), 0f);
        }
    }
}
