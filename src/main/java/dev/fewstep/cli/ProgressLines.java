package dev.fewstep.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as an occasional plain line, for logs and pipes: there a redrawn bar is one endless line of carriage
 * returns, rewritten twice a second for hours. A line is printed when the run crosses another tenth of the way, or
 * when {@link #INTERVAL} has passed since the last line (so a slow run still shows it is alive), and once at the end.
 */
final class ProgressLines {
    static final Duration INTERVAL = Duration.ofSeconds(30);

    private final String task;
    private final long total;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final long firstStep;
    private long lastLineNanos;
    private long lastLineStep;
    private long step;
    private String extra = "";

    /**
     * @param startNanos when the run started, by {@code nanoClock} (before any quiet period it was not shown in)
     */
    ProgressLines(String task, long firstStep, long total, PrintStream out, LongSupplier nanoClock, long startNanos) {
        this.task = task;
        this.total = total;
        this.out = out;
        this.nanoClock = nanoClock;
        this.startNanos = startNanos;
        this.firstStep = firstStep;
        this.step = firstStep;
        this.lastLineStep = firstStep;
        this.lastLineNanos = startNanos;
    }

    void message(String text) {
        extra = text == null ? "" : text;
    }

    void stepTo(long newStep) {
        step = newStep;
        long now = nanoClock.getAsLong();
        boolean newTenth = tenth(step) > tenth(lastLineStep);
        boolean quietTooLong = now - lastLineNanos >= INTERVAL.toNanos() && step != lastLineStep;
        if (newTenth || quietTooLong) {
            print(now);
        }
    }

    /** The last line, unless the last one printed already said where the run ended. */
    void finish() {
        if (step != lastLineStep) {
            print(nanoClock.getAsLong());
        }
    }

    private long tenth(long at) {
        return total <= 0 ? 0 : Math.min(10, 10 * at / total);
    }

    private void print(long now) {
        double seconds = (now - startNanos) / 1e9;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %d/%d (%d %%), %.0f s", task, step, total,
                total <= 0 ? 100 : Math.round(100.0 * step / total), seconds));
        long done = step - firstStep;
        if (done > 0 && step < total) {
            line.append(String.format(Locale.ROOT, ", about %.0f s left", seconds / done * (total - step)));
        }
        if (!extra.isEmpty()) {
            line.append("; ").append(extra);
        }
        out.println(line);
        lastLineNanos = now;
        lastLineStep = step;
    }
}
