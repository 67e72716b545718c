package dev.fewstep.cli;

import dev.fewstep.train.loop.LoopListener;
import java.util.Map;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar for long commands; closes itself at the end. As a listener it stops on a signal. */
final class Progress implements LoopListener, AutoCloseable {
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

    /** Shows the iteration's metrics that were computed (a generator waiting for its warm-up reports none). */
    @Override
    public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
        step(iteration);
        String values = metrics.entrySet().stream().filter(e -> Double.isFinite(e.getValue()))
                .map(e -> String.format("%s %.4f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
        bar.setExtraMessage(values + (values.isEmpty() ? "" : ", ") + String.format("%.2f s/it", secondsPerIteration));
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
