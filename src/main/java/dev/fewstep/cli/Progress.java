package dev.fewstep.cli;

import dev.fewstep.train.loop.LoopListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command: a redrawn bar on a terminal, an occasional plain line ({@link ProgressLines})
 * anywhere else. Closes itself at the end. As a listener it stops on a signal.
 */
final class Progress implements LoopListener, AutoCloseable {
    /**
     * Where progress goes and how time is read; tests give a stream and a clock of their own.
     *
     * @param terminal whether a person watches a terminal (then the bar redraws in place)
     */
    record Console(boolean terminal, PrintStream err, LongSupplier nanoClock) {
        /** Java 17's {@code System.console()} is null unless both standard input and output are a terminal. */
        static Console standard() {
            return new Console(System.console() != null, System.err, System::nanoTime);
        }
    }

    private final String task;
    private final StopOnSignal stop;
    private final Duration quiet;
    private final Console console;
    private long firstStep;
    private long totalSteps;
    private long startNanos;
    private long step;
    private String extra = "";
    private ProgressBar bar;
    private ProgressLines lines;

    Progress(String task) {
        this(task, null);
    }

    /** @param stop what {@link #stopRequested()} answers from, or null for never */
    Progress(String task, StopOnSignal stop) {
        this(task, stop, Duration.ZERO, Console.standard());
    }

    /**
     * @param quiet shown only once the run has taken this long, so that quick runs print nothing
     */
    Progress(String task, StopOnSignal stop, Duration quiet, Console console) {
        this.task = task;
        this.stop = stop;
        this.quiet = quiet;
        this.console = console;
    }

    /** Progress that shows only for runs longer than {@code quiet}. */
    static Progress afterQuiet(String task, Duration quiet) {
        return new Progress(task, null, quiet, Console.standard());
    }

    @Override
    public void started(long firstStep, long totalSteps) {
        this.firstStep = firstStep;
        this.totalSteps = totalSteps;
        this.step = firstStep;
        this.startNanos = console.nanoClock().getAsLong();
        if (quiet.isZero()) {
            show();
        }
    }

    /** Shows the iteration's metrics that were computed (a generator waiting for its warm-up reports none). */
    @Override
    public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
        String values = metrics.entrySet().stream().filter(e -> Double.isFinite(e.getValue()))
                .map(e -> String.format("%s %.4f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
        message(values + (values.isEmpty() ? "" : ", ") + String.format("%.2f s/it", secondsPerIteration));
        step(iteration);
    }

    void message(String text) {
        extra = text;
        if (bar != null) {
            bar.setExtraMessage(text);
        }
        if (lines != null) {
            lines.message(text);
        }
    }

    void step(long n) {
        step = n;
        if (bar == null && lines == null && console.nanoClock().getAsLong() - startNanos >= quiet.toNanos()) {
            show();
        }
        if (bar != null) {
            bar.stepTo(n);
        }
        if (lines != null) {
            lines.stepTo(n);
        }
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
        if (lines != null) {
            lines.finish();
        }
    }

    private void show() {
        if (console.terminal()) {
            Duration elapsed = Duration.ofNanos(console.nanoClock().getAsLong() - startNanos);
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalSteps)
                    .startsFrom(firstStep, elapsed)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .continuousUpdate()
                    .build();
            bar.stepTo(step);
            bar.setExtraMessage(extra);
        } else {
            lines = new ProgressLines(task, firstStep, totalSteps, console.err(), console.nanoClock(), startNanos);
            lines.message(extra);
        }
    }
}
