package dev.fewstep.serve;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-pressure for generation: {@code workers} jobs run at once and at most {@code maxQueue} more wait; a job
 * beyond that is refused at once ({@link QueueFullException}, HTTP 429) rather than queued without bound. Every job
 * has a deadline counted from admission, and a cancelled job gives its slot back: at once while it waits, after the
 * network evaluation in progress while it runs.
 *
 * <p>Admission counts slots with a semaphore of {@code workers + maxQueue} permits rather than relying on a bounded
 * executor queue: a worker that has just finished is not yet back at its queue, and a bounded queue would refuse
 * work in that moment although a slot is free.
 */
public final class GenerationQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationQueue.class);

    /**
     * A snapshot for health checks and tests. The stopped-job counters are updated just after the job's result, so
     * they may lag it by a moment.
     */
    public record Status(int workers, int maxQueue, int running, int waiting, long completed, long rejected,
            long cancelled, long timedOut, long failed) {}

    private final int workers;
    private final int maxQueue;
    private final Duration timeout;
    private final Semaphore slots;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Set<GenerationJob> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger running = new AtomicInteger();
    private final LongAdder completed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private double averageSeconds;
    private volatile BiConsumer<GenerationJob, Generation.Result> onGenerated = (job, images) -> { };

    public GenerationQueue(int workers, int maxQueue, Duration timeout) {
        if (workers < 1 || maxQueue < 0) {
            throw new IllegalArgumentException("need at least one worker and a non-negative queue");
        }
        this.workers = workers;
        this.maxQueue = maxQueue;
        this.timeout = timeout;
        this.slots = new Semaphore(workers + maxQueue);
        // Unbounded only in type: the slots above admit at most workers + maxQueue jobs.
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                named("fewstep-generate"), new ThreadPoolExecutor.AbortPolicy());
        this.executor.prestartAllCoreThreads();
        this.deadlines = new ScheduledThreadPoolExecutor(1, named("fewstep-deadline"));
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * Admits a job, or refuses it when all workers and waiting slots are taken.
     *
     * @throws QueueFullException when the queue is full
     * @throws JobStoppedException when the queue is shut down
     */
    public GenerationJob submit(DiffusionModel model, GenerateRequest request) {
        return submit(model, request, null);
    }

    /** @param control the condition images of a conditional model, or null */
    public GenerationJob submit(DiffusionModel model, GenerateRequest request, dev.fewstep.generate.Control control) {
        if (executor.isShutdown()) {
            throw new JobStoppedException(JobStoppedException.Reason.SHUTDOWN, "the server is shutting down");
        }
        if (!slots.tryAcquire()) {
            rejected.increment();
            throw new QueueFullException(retryAfterSeconds(),
                    "the server is busy: " + workers + " generation(s) running and " + maxQueue + " waiting; retry later");
        }
        GenerationJob job = new GenerationJob(this, model, request, control);
        live.add(job);
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            live.remove(job);
            job.releaseSlot();
            throw new JobStoppedException(JobStoppedException.Reason.SHUTDOWN, "the server is shutting down");
        }
        ScheduledFuture<?> deadline = deadlines.schedule(
                () -> job.stop(JobStoppedException.Reason.TIME_LIMIT,
                        "the request took longer than the server's limit of " + timeout.toSeconds() + " s"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        job.result().whenComplete((images, failure) -> {
            deadline.cancel(false);
            live.remove(job);
        });
        return job;
    }

    /**
     * Called on the worker thread with every generation that ran to the end, before its client sees it (so metrics
     * read after a response include it), even if the client leaves at that last moment: the work was done.
     */
    public void onGenerated(BiConsumer<GenerationJob, Generation.Result> listener) {
        onGenerated = listener;
    }

    public Status status() {
        return new Status(workers, maxQueue, running.get(), executor.getQueue().size(), completed.sum(), rejected.sum(),
                cancelled.sum(), timedOut.sum(), failed.sum());
    }

    /** A guess at when a slot frees up: the recent time per job times the jobs ahead, per worker. */
    public synchronized int retryAfterSeconds() {
        double perJob = Math.max(averageSeconds, 0.1);
        int ahead = running.get() + executor.getQueue().size();
        long seconds = (long) Math.ceil(perJob * Math.max(ahead, 1) / workers);
        return (int) Math.max(1, Math.min(seconds, timeout.toSeconds()));
    }

    /** Runs on a worker thread. */
    void run(GenerationJob job) {
        running.incrementAndGet();
        try {
            Generation.Result images = Generation.generate(job.model(), job.request(), job.control(), job::evaluated);
            // Count before completing, so whoever sees the result also sees it counted.
            onGenerated.accept(job, images);
            completed.increment();
            if (job.result().complete(images)) {
                remember(images.seconds());
            } else {
                completed.decrement(); // stopped at the last moment: counted as stopped instead
            }
        } catch (JobStoppedException e) {
            // Counted by stopped(); the job's result already carries the reason.
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warn("generation failed for model {}: {}", job.model().name(), e.toString());
            job.result().completeExceptionally(e);
        } catch (Error e) {
            failed.increment();
            job.result().completeExceptionally(e);
            throw e;
        } finally {
            running.decrementAndGet();
            job.releaseSlot();
        }
    }

    /** Called once per job, by the job, when it leaves its slot. */
    void release() {
        slots.release();
    }

    /** Called once when a job is stopped: a waiting job gives its slot back at once, a running one when it stops. */
    void stopped(GenerationJob job, JobStoppedException.Reason reason) {
        if (executor.remove(job)) {
            job.releaseSlot();
        }
        switch (reason) {
            case CLIENT_GONE -> cancelled.increment();
            case TIME_LIMIT -> timedOut.increment();
            case SHUTDOWN -> { }
        }
    }

    private synchronized void remember(double seconds) {
        averageSeconds = averageSeconds == 0 ? seconds : 0.8 * averageSeconds + 0.2 * seconds;
    }

    /** Stops waiting and running jobs and waits briefly for workers to leave the models, so they can be closed. */
    @Override
    public void close() {
        executor.shutdown();
        for (GenerationJob job : live) {
            job.stop(JobStoppedException.Reason.SHUTDOWN, "the server is shutting down");
        }
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("generation workers did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.shutdownNow();
    }

    /** Whether every worker has stopped; models may be closed only then. */
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
