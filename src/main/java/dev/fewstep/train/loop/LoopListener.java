package dev.fewstep.train.loop;

import java.util.Map;

/** Told about a run's progress, e.g. to move a progress bar; asked whether to stop. */
public interface LoopListener {
    void started(long firstIteration, long totalIterations);

    /** After each iteration: its metrics by name and the run's speed so far. */
    void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration);

    /** Asked after each iteration: true ends the run there, with a checkpoint (e.g. after Ctrl-C). */
    default boolean stopRequested() {
        return false;
    }

    /** After each probe. */
    default void probed(long iteration, Map<String, Double> values) {}

    LoopListener NONE = new LoopListener() {
        @Override
        public void started(long firstIteration, long totalIterations) {}

        @Override
        public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {}
    };
}
