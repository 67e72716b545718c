package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Off a terminal, progress is a few plain lines, never a bar redrawn with carriage returns. */
class ProgressTest {
    /** A clock the test moves by hand. */
    private final AtomicLong nanos = new AtomicLong();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Progress.Console pipe =
            new Progress.Console(false, new PrintStream(printed, true, StandardCharsets.UTF_8), nanos::get);

    @Test
    void offATerminalTheDefaultProgressPrintsPlainLinesWithoutCarriageReturns() {
        // Tests run without a console, as a command does with its output piped to a file.
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Progress progress = new Progress("train")) {
            progress.started(0, 200);
            for (int step = 1; step <= 200; step++) {
                progress.iterated(step, java.util.Map.of("loss", 0.5), 0.01);
            }
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        assertThat(text.lines()).hasSizeBetween(1, 11).allMatch(line -> line.startsWith("train: "));
        assertThat(text.lines().reduce((a, b) -> b)).hasValueSatisfying(last ->
                assertThat(last).startsWith("train: 200/200 (100 %)").endsWith("loss 0.5000, 0.01 s/it"));
    }

    @Test
    void aFastRunPrintsOneLinePerTenthOfTheWay() {
        try (Progress progress = new Progress("eval", null, Duration.ZERO, pipe)) {
            progress.started(0, 1000);
            for (int step = 1; step <= 1000; step++) {
                nanos.addAndGet(Duration.ofMillis(10).toNanos());
                progress.step(step);
            }
        }
        List<String> lines = printed();
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).isEqualTo("eval: 100/1000 (10 %), 1 s, about 9 s left");
        assertThat(lines.get(9)).isEqualTo("eval: 1000/1000 (100 %), 10 s");
    }

    @Test
    void aSlowRunStillPrintsALineEveryThirtySeconds() {
        try (Progress progress = new Progress("distill", null, Duration.ZERO, pipe)) {
            progress.started(0, 100);
            for (int step = 1; step <= 10; step++) {
                nanos.addAndGet(Duration.ofSeconds(7).toNanos());
                progress.step(step);
            }
        }
        // 35 s at step 5 is the first time 30 s have passed; step 10 is a tenth of the way; close adds nothing new.
        assertThat(printed()).extracting(line -> line.substring(0, line.indexOf(" ("))).containsExactly(
                "distill: 5/100", "distill: 10/100");
    }

    @Test
    void aResumedRunCountsFromWhereItResumed() {
        try (Progress progress = new Progress("train", null, Duration.ZERO, pipe)) {
            progress.started(500, 1000);
            nanos.addAndGet(Duration.ofSeconds(10).toNanos());
            progress.step(600);
        }
        assertThat(printed()).containsExactly("train: 600/1000 (60 %), 10 s, about 40 s left");
    }

    @Test
    void aRunShorterThanItsQuietPeriodPrintsNothing() {
        try (Progress progress = new Progress("generate", null, Duration.ofSeconds(3), pipe)) {
            progress.started(0, 4);
            for (int step = 1; step <= 4; step++) {
                nanos.addAndGet(Duration.ofMillis(500).toNanos());
                progress.step(step);
            }
        }
        assertThat(printed()).isEmpty();
    }

    @Test
    void aRunLongerThanItsQuietPeriodShowsFromThenOn() {
        try (Progress progress = new Progress("generate", null, Duration.ofSeconds(3), pipe)) {
            progress.started(0, 5);
            for (int step = 1; step <= 5; step++) {
                nanos.addAndGet(Duration.ofSeconds(1).toNanos());
                progress.step(step);
            }
        }
        assertThat(printed()).extracting(line -> line.substring(0, line.indexOf(" ("))).containsExactly(
                "generate: 3/5", "generate: 4/5", "generate: 5/5");
    }

    private List<String> printed() {
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
