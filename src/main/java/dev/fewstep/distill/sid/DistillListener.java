package dev.fewstep.distill.sid;

import java.util.Map;

/** Told about a distillation's progress, e.g. to move a progress bar. */
public interface DistillListener {
    void started(long firstIteration, long totalIterations);

    /** After each iteration: its losses (per-pixel means) and the run's speed so far. */
    void iterated(long iteration, double fakeLoss, double generatorLoss, double secondsPerIteration);

    /** Asked after each iteration: true ends the run there, with a checkpoint (e.g. after Ctrl-C). */
    default boolean stopRequested() {
        return false;
    }

    /** After each probe. */
    default void probed(long iteration, Map<String, Double> values) {}

    DistillListener NONE = new DistillListener() {
        @Override
        public void started(long firstIteration, long totalIterations) {}

        @Override
        public void iterated(long iteration, double fakeLoss, double generatorLoss, double secondsPerIteration) {}
    };
}
