package dev.fewstep.cli;

import dev.fewstep.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar for long commands; closes itself at the end. As a listener it stops on a signal. */
final class Progress implements TrainingListener, AutoCloseable {
    private final String task;
    private final StopOnSignal stop;
    private ProgressBar bar;

    Progress(String task) {
        this(task, null);
    }

    /** @param stop what {@link #stopRequested()} answers from, or null for never */
    Progress(String task, StopOnSignal stop) {
        this.task = task;
        this.stop = stop;
    }

    @Override
    public void started(long firstStep, long totalSteps) {
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalSteps)
                .startsFrom(firstStep, java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .continuousUpdate()
                .build();
    }

    @Override
    public void stepped(long step, double loss, double stepsPerSecond) {
        step(step);
        bar.setExtraMessage(String.format("loss %.4f, %.2f steps/s", loss, stepsPerSecond));
    }

    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    void step(long n) {
        bar.stepTo(n);
    }

    @Override
    public boolean stopRequested() {
        return stop != null && stop.requested();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
