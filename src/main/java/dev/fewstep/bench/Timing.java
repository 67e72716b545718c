package dev.fewstep.bench;

import ai.djl.ndarray.NDManager;
import java.util.function.Consumer;
import java.util.function.Function;

/** Repeats a call until enough time has passed, after one unmeasured call (PyTorch sets up kernels on the first). */
final class Timing {
    /** At least this many measured calls, however long each takes. */
    static final int MIN_CALLS = 2;

    private Timing() {}

    /** Seconds per call of {@code work}, each call in its own scope so that nothing accumulates. */
    static double secondsPerCall(NDManager manager, double minSeconds, Function<NDManager, ?> work) {
        return secondsPerCall(minSeconds, call -> {
            try (NDManager scope = manager.newSubManager()) {
                work.apply(scope);
            }
        });
    }

    /** Seconds per call; {@code work} receives the call's index, -1 for the warm-up. */
    static double secondsPerCall(double minSeconds, Consumer<Integer> work) {
        work.accept(-1);
        long start = System.nanoTime();
        int calls = 0;
        while (calls < MIN_CALLS || System.nanoTime() - start < minSeconds * 1e9) {
            work.accept(calls++);
        }
        return (System.nanoTime() - start) / 1e9 / calls;
    }
}
