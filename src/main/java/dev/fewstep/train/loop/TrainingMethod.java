package dev.fewstep.train.loop;

import ai.djl.ndarray.NDManager;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A training method on the shared {@link TrainingLoop}: its networks (as state slots), what one iteration does, and
 * what it ships. The loop owns resuming, checkpoints, the history, probes, stopping and divergence.
 */
public interface TrainingMethod {

    /** The {@code kind} of the model it ships, also written into its training state. */
    String kind();

    /** Iterations in total, checkpoint and probe intervals, and the seed. */
    RunSettings run();

    /** The parts of the training state, each saved and restored by name. */
    List<Slot> slots();

    /**
     * Checks that a saved state (its model info and metadata) is a run this method may continue, before any slot is
     * restored; throws {@link dev.fewstep.io.CheckpointException} naming what differs.
     */
    void continueFrom(ModelInfo saved, Map<String, String> metadata);

    /**
     * Called once when a run starts from iteration 0 (not on resume), with its output folder created, e.g. to start
     * from another model.
     */
    default void start(Path dir) throws IOException {}

    /** One iteration: its updates, and its metrics by name (NaN: not computed in this iteration). */
    Map<String, Double> iterate(Iteration iteration);

    /** Values logged with each history line besides the metrics' means, e.g. the learning rates in force. */
    default Map<String, Object> logged() {
        return Map.of();
    }

    /** The network whose weights are shipped as {@code model.safetensors} (a weight average). */
    UNet shipped();

    /** The shipped file's name in the output folder; a method that ships something else than a model overrides the three. */
    default String shippedFile() {
        return ModelStore.WEIGHTS;
    }

    /** Writes what the run ships, with its info, to {@code file} (atomically). */
    default void ship(Path file, ModelInfo info) throws IOException {
        SafeTensors.write(file, Checkpoint.shippedWeights(this), info.toMetadata());
    }

    /** Reads the shipped weights back on resume (the network's and those of the blocks beside it). */
    default void restoreShipped(Path file) {
        Map<String, dev.fewstep.io.Tensor> tensors = SafeTensors.read(file).tensors();
        Weights.load(shipped(), tensors, file.toString());
        for (ai.djl.nn.Block beside : shippedBeside()) {
            Weights.load(beside, tensors, file.toString());
        }
    }

    /**
     * Blocks shipped beside {@link #shipped()} in the same file, e.g. a ControlNet adapter; their parameter names
     * must differ from the network's.
     */
    default java.util.List<ai.djl.nn.Block> shippedBeside() {
        return java.util.List.of();
    }

    /**
     * What the shipped model says about itself at a checkpoint.
     *
     * @param means the metrics averaged over the last probe interval (empty before the first)
     */
    ModelInfo info(long iteration, double seconds, Map<String, Double> means);

    /** The manager that owns the method's networks; probes run in a scope below it. */
    NDManager manager();

    /** The shipped model as probes see it, its temporaries in {@code scope}. */
    Snapshot snapshot(NDManager scope);

    /**
     * @param iterations iterations in total (a resumed run continues up to this number)
     * @param checkpointEvery iterations between checkpoints
     * @param probeEvery iterations between history lines and probes
     * @param seed seeds every iteration's draws ({@link Seeds})
     * @param historyFile the history's file name in the output folder
     * @param plotFile the plot of the history written beside it at each probe, or null for none
     * @param maxSkippedInARow iterations in a row with a skipped update after which the run stops as diverged
     */
    record RunSettings(long iterations, int checkpointEvery, int probeEvery, long seed, String historyFile,
            String plotFile, int maxSkippedInARow) {}
}
