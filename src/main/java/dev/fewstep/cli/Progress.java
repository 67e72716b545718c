package dev.fewstep.cli;

import dev.fewstep.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar for long commands; closes itself at the end. */
final class Progress implements TrainingListener, AutoCloseable {
    private final String task;
    private ProgressBar bar;

    Progress(String task) {
        this.task = task;
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
        bar.stepTo(step);
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
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
