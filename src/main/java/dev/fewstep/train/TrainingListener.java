package dev.fewstep.train;

/** Told about each finished step, e.g. to move a progress bar. */
public interface TrainingListener {
    void started(long firstStep, long totalSteps);

    void stepped(long step, double loss, double stepsPerSecond);

    /** Asked after each step: true ends the run there, with a checkpoint (e.g. after Ctrl-C). */
    default boolean stopRequested() {
        return false;
    }

    TrainingListener NONE = new TrainingListener() {
        @Override
        public void started(long firstStep, long totalSteps) {}

        @Override
        public void stepped(long step, double loss, double stepsPerSecond) {}
    };
}
