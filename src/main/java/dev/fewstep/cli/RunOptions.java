package dev.fewstep.cli;

import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every training command shares, and the loop run with a progress bar and Ctrl-C handling. */
final class RunOptions {
    @Option(names = "--out", required = true, description = "model folder to write, e.g. models/NAME")
    Path out;

    @Option(names = "--resume", description = "continue the run whose training state is in --out")
    boolean resume;

    @Option(names = "--force", description = "start afresh even if --out holds a model, replacing it")
    boolean force;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--checkpoint-every", description = "iterations between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 100;

    TrainingLoop.Start start() {
        if (resume && force) {
            throw new IllegalArgumentException("--resume continues a run and --force replaces it: give one of them");
        }
        return resume ? TrainingLoop.Start.RESUME : force ? TrainingLoop.Start.REPLACE : TrainingLoop.Start.FRESH;
    }

    /**
     * Runs the loop under a progress bar; Ctrl-C or SIGTERM stops it after the current iteration with a checkpoint.
     *
     * @param what the run, as in "stopping the training after this iteration"
     * @return the result, or null when it stopped early (after saying so)
     */
    TrainingLoop.Result run(TrainingLoop loop, String task, String what, Probe probe) throws IOException {
        try (StopOnSignal stop = new StopOnSignal(what, "iteration")) {
            TrainingLoop.Result result;
            try (Progress progress = new Progress(task, stop)) {
                result = loop.run(start(), progress, probe);
            }
            if (result.stopped()) { // said before the signal's shutdown goes on (closing the StopOnSignal)
                System.out.printf("stopped at iteration %d, saved in %s; --resume continues from there%n",
                        result.iteration(), out);
                return null;
            }
            return result;
        }
    }
}
