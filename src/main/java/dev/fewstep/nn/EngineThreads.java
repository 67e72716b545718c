package dev.fewstep.nn;

/**
 * PyTorch's thread settings, chosen before the engine starts (DJL reads them once, at start).
 *
 * <p>Intra-op threads split one operator's work; PyTorch stores the number process-wide when the engine starts and
 * every other thread (server workers, evaluators) takes it up lazily at its first parallel operator, so setting
 * it here reaches every thread that runs a network. Inter-op threads only serve TorchScript's fork/wait, which
 * fewstep never uses: one is enough. The launcher also sets OMP_WAIT_POLICY=PASSIVE: on two cores shared with
 * another job, OpenMP threads that spin at every operator's barrier while their partner waits for a core turn each
 * small operator into a scheduler time slice (docs/lab/speed.md).
 */
public final class EngineThreads {
    public static final String INTRA_OP = "ai.djl.pytorch.num_threads";
    public static final String INTER_OP = "ai.djl.pytorch.num_interop_threads";

    private EngineThreads() {}

    /** Inter-op 1; intra-op stays PyTorch's default, one per core, right for a process with one user of the network. */
    public static void defaults() {
        setIfAbsent(INTER_OP, 1);
    }

    /** Intra-op threads: the cores divided among {@code sharers} concurrent users; inter-op 1. The operator's -D wins. */
    public static void share(int sharers) {
        int cores = Runtime.getRuntime().availableProcessors();
        setIfAbsent(INTRA_OP, Math.max(1, cores / Math.max(1, sharers)));
        setIfAbsent(INTER_OP, 1);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
