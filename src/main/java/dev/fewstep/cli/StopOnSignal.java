package dev.fewstep.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a training loop. Without this the JVM exits while the loop is inside a native
 * PyTorch call, and PyTorch's teardown under that call crashed the JVM (SIGSEGV, an hs_err file in the working
 * folder). Here the shutdown waits until the loop, which asks {@link #requested()} after every step, has saved a
 * checkpoint and returned; the caller says so and then closes this.
 */
final class StopOnSignal implements AutoCloseable {
    /** The longest the shutdown waits for the loop: a few steps and a checkpoint, with room to spare. */
    static final long MAX_WAIT_SECONDS = 300;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch loopEnded = new CountDownLatch(1);
    private final Thread hook;

    /**
     * @param what the run, as in "stopping the distillation after this iteration"
     * @param step what the loop counts, as in "after this iteration"
     */
    StopOnSignal(String what, String step) {
        hook = new Thread(() -> {
            requested.set(true);
            System.out.printf("%nfewstep: stopping the %s after this %s and saving a checkpoint%n", what, step);
            try {
                loopEnded.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fewstep-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean requested() {
        return requested.get();
    }

    /** The loop is done: lets a waiting shutdown go on, or unregisters the hook if no signal came. */
    @Override
    public void close() {
        loopEnded.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and returns now
        }
    }
}
