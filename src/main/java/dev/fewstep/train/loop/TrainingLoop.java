package dev.fewstep.train.loop;

import ai.djl.ndarray.NDManager;
import dev.fewstep.train.DivergedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loop every training method runs on: start fresh (never over a model it did not start) or resume from the
 * training state bit for bit; iterate; average the metrics over each probe interval into the history; probe;
 * checkpoint; stop on request (Ctrl-C) with a checkpoint; stop as diverged when updates keep failing.
 */
public final class TrainingLoop {
    private final Path dir;
    private final TrainingMethod method;
    private final TrainingMethod.RunSettings run;
    private final Seeds seeds;
    private final History history;
    private int skippedUpdates;
    private long lastCheckpoint;

    public TrainingLoop(Path dir, TrainingMethod method) {
        this.dir = dir;
        this.method = method;
        this.run = method.run();
        this.seeds = new Seeds(run.seed());
        this.history = new History(dir.resolve(run.historyFile()));
    }

    /**
     * How a run ended: the iteration reached and how many of them this call ran (0 for a resume of a run already at
     * its last iteration), the metrics averaged over the last probe interval, time, skipped updates, the last probe,
     * and whether it stopped early because the listener asked it to.
     */
    public record Result(long iteration, long iterationsRun, Map<String, Double> means, double seconds,
            int skippedUpdates, Map<String, Double> lastProbe, boolean stopped) {}

    /** Whether a fresh start may replace an existing model in the folder ({@code --force}). */
    public enum Start { FRESH, RESUME, REPLACE }

    public Result run(Start start, LoopListener listener, Probe probe) throws IOException {
        long iteration = 0;
        double seconds = 0;
        boolean hasState = Files.exists(dir.resolve(Checkpoint.STATE));
        boolean hasModel = Files.exists(dir.resolve(method.shippedFile()));
        if (start == Start.RESUME) {
            if (!hasState) {
                throw new IllegalArgumentException(dir + " has no training state (" + Checkpoint.STATE + ") to resume"
                        + (hasModel ? "; it holds a finished model, which was left as it is" : "") + "; nothing was written");
            }
            Checkpoint.Position position = Checkpoint.restore(dir, method);
            iteration = position.iteration();
            seconds = position.seconds();
            lastCheckpoint = iteration;
            history.truncateAfter(iteration);
        } else {
            if (hasModel && start == Start.FRESH) {
                throw new IllegalArgumentException(dir + " already holds a model; pass --resume to continue its run, --force"
                        + " to replace it, or choose another --out");
            }
            Files.createDirectories(dir);
            history.truncateAfter(-1);
            method.start(dir);
        }
        listener.started(iteration, run.iterations());
        Map<String, Double> lastProbe = Map.of();
        if (iteration == 0) {
            lastProbe = probeAndLog(probe, listener, 0, seconds, Map.of());
        }
        long runStart = System.nanoTime();
        long firstIteration = iteration;
        Means means = new Means();
        Map<String, Double> lastMeans = Map.of();
        int skippedInARow = 0;
        while (iteration < run.iterations()) {
            seeds.seedEngine(iteration);
            Iteration current = new Iteration(iteration, seeds.random(iteration));
            Map<String, Double> metrics = method.iterate(current);
            iteration++;
            skippedUpdates += current.skippedUpdates();
            skippedInARow = current.skippedUpdates() > 0 ? skippedInARow + 1 : 0;
            if (skippedInARow >= run.maxSkippedInARow()) {
                throw new DivergedException("training diverged at iteration " + iteration + ": " + skippedInARow
                        + " iterations in a row had updates with non-finite losses or gradients; " + (lastCheckpoint > 0
                        ? "the checkpoint of iteration " + lastCheckpoint + " in " + dir + " is kept: resume from it with"
                        + " smaller learning rates" : "start again with smaller learning rates"));
            }
            means.add(metrics);
            double elapsed = (System.nanoTime() - runStart) / 1e9;
            listener.iterated(iteration, metrics, elapsed / (iteration - firstIteration));
            boolean last = iteration == run.iterations();
            if (!last && listener.stopRequested()) {
                // Saved without a probe (a probe can take a minute); the history goes on from the next one after a resume.
                checkpoint(iteration, seconds + elapsed, lastMeans);
                return new Result(iteration, iteration - firstIteration, lastMeans, seconds + elapsed, skippedUpdates,
                        lastProbe, true);
            }
            if (iteration % run.probeEvery() == 0 || last) {
                lastMeans = means.means();
                lastProbe = probeAndLog(probe, listener, iteration, seconds + elapsed, lastMeans);
                means = new Means();
            }
            if (iteration % run.checkpointEvery() == 0 || last) {
                checkpoint(iteration, seconds + (System.nanoTime() - runStart) / 1e9, lastMeans);
            }
        }
        double total = seconds + (System.nanoTime() - runStart) / 1e9;
        return new Result(iteration, iteration - firstIteration, lastMeans, total, skippedUpdates, lastProbe, false);
    }

    private void checkpoint(long iteration, double seconds, Map<String, Double> means) throws IOException {
        Checkpoint.save(dir, method, iteration, seconds, means);
        lastCheckpoint = iteration;
    }

    private Map<String, Double> probeAndLog(Probe probe, LoopListener listener, long iteration, double seconds,
            Map<String, Double> means) throws IOException {
        Map<String, Double> values;
        try (NDManager scope = method.manager().newSubManager()) {
            values = probe.measure(method.snapshot(scope), iteration);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("iteration", iteration);
        line.put("seconds", Math.round(seconds * 10) / 10.0);
        line.putAll(method.logged());
        means.forEach((name, mean) -> {
            if (Double.isFinite(mean)) {
                line.put(name, mean);
            }
        });
        values.forEach((name, value) -> line.put(name, Double.isFinite(value) ? value : null));
        if (skippedUpdates > 0) {
            line.put("skipped_updates", skippedUpdates);
        }
        history.append(line);
        if (run.plotFile() != null) {
            History.plot(history.file(), dir.resolve(run.plotFile()));
        }
        listener.probed(iteration, values);
        return values;
    }
}
