package dev.fewstep.serve;

import dev.fewstep.generate.Control;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One admitted request: waits in a {@link GenerationQueue}, then runs on a worker. Its {@link #result()} completes
 * with the images, or exceptionally with a {@link JobStoppedException} when it is cancelled or runs out of time,
 * or with the failure of the generation.
 */
public final class GenerationJob implements Runnable {
    private final GenerationQueue queue;
    private final DiffusionModel model;
    private final GenerateRequest request;
    private final Control control;
    private final int plannedNfe;
    private final long submittedNanos = System.nanoTime();
    private final AtomicInteger nfeDone = new AtomicInteger();
    private final CompletableFuture<Generation.Result> result = new CompletableFuture<>();
    private final AtomicBoolean slotReleased = new AtomicBoolean();
    private volatile long startedNanos;
    private volatile JobStoppedException stop;

    GenerationJob(GenerationQueue queue, DiffusionModel model, GenerateRequest request, Control control) {
        this.queue = queue;
        this.model = model;
        this.request = request;
        this.control = control;
        this.plannedNfe = plannedNfe(model, request);
    }

    /** Network evaluations a request will spend with the model's generator. */
    public static int plannedNfe(DiffusionModel model, GenerateRequest request) {
        return model.generator().nfe(request.budget());
    }

    public DiffusionModel model() {
        return model;
    }

    public GenerateRequest request() {
        return request;
    }

    /** The condition images of a conditional model's request, or null. */
    public Control control() {
        return control;
    }

    public CompletableFuture<Generation.Result> result() {
        return result;
    }

    /** Network evaluations done so far. */
    public int nfeDone() {
        return nfeDone.get();
    }

    public int plannedNfe() {
        return plannedNfe;
    }

    public boolean hasStarted() {
        return startedNanos != 0;
    }

    /** Seconds spent waiting for a worker (so far, if still waiting). */
    public double queueSeconds() {
        long end = startedNanos != 0 ? startedNanos : System.nanoTime();
        return (end - submittedNanos) / 1e9;
    }

    /** The client went away: free the waiting slot now, or stop the running generation at its next evaluation. */
    public void cancel() {
        stop(JobStoppedException.Reason.CLIENT_GONE, "the client disconnected");
    }

    void stop(JobStoppedException.Reason reason, String message) {
        JobStoppedException exception = new JobStoppedException(reason, message);
        stop = exception;
        if (result.completeExceptionally(exception)) {
            queue.stopped(this, reason);
        }
    }

    @Override
    public void run() {
        if (result.isDone()) {
            releaseSlot(); // stopped while a worker was taking it from the queue
            return;
        }
        startedNanos = System.nanoTime();
        queue.run(this);
    }

    /** Gives the job's queue slot back; only the first call counts, whichever path gets there first. */
    void releaseSlot() {
        if (slotReleased.compareAndSet(false, true)) {
            queue.release();
        }
    }

    /** Called by the generation after each network evaluation; throws to abandon a stopped job. */
    void evaluated(int nfe) {
        nfeDone.set(nfe);
        JobStoppedException stopped = stop;
        if (stopped != null) {
            throw stopped;
        }
    }
}
