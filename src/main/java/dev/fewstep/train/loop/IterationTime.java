package dev.fewstep.train.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Wall seconds per iteration of a method run afresh in a scratch folder (deleted after), first iteration excluded. */
public final class IterationTime {
    private IterationTime() {}

    /** @return the mean time between the ends of the first and the last iteration; the method runs at least two */
    public static double secondsPerIteration(TrainingMethod method) throws IOException {
        Path out = Files.createTempDirectory("fewstep-iteration-time");
        List<Long> ends = new ArrayList<>();
        try {
            new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, new LoopListener() {
                @Override
                public void started(long firstIteration, long totalIterations) {}

                @Override
                public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
                    ends.add(System.nanoTime());
                }
            }, Probe.NONE);
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return (ends.get(ends.size() - 1) - ends.get(0)) / 1e9 / (ends.size() - 1);
    }
}
