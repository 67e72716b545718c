package dev.fewstep.bench;

import dev.fewstep.distill.sid.SidConfig;
import dev.fewstep.distill.sid.SidDistillation;
import dev.fewstep.distill.sid.SidSetup;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Seconds of one SiD iteration from a teacher with SiD's defaults but K = 4 fake updates per generator update at
 * batch 16, through the real training loop (into a temporary folder that is deleted afterwards). The first iteration
 * sets up PyTorch's kernels and is not counted: the time runs between the first and the last iteration's end.
 */
final class SidIterationTime {
    static final int BATCH = 16;
    static final int FAKE_UPDATES = 4;
    static final int ITERATIONS = 3;

    private SidIterationTime() {}

    static double seconds(DiffusionModel teacher) throws IOException {
        SidConfig d = SidConfig.DEFAULTS;
        SidConfig.Optimiser o = d.optimiser();
        SidConfig config = new SidConfig(d.loss(), d.guidance(), new SidConfig.Optimiser(o.generatorLearningRate(),
                o.fakeLearningRate(), o.beta1(), o.beta2(), o.epsilon(), FAKE_UPDATES, o.emaHalfLifeImages(),
                o.emaRampup()), new SidConfig.Run(BATCH, ITERATIONS, 1, 1000, 1000, 0), null);
        Path out = Files.createTempDirectory("fewstep-sid-speed");
        List<Long> ends = new ArrayList<>();
        try (SidDistillation method = new SidDistillation(config, teacher, new SidSetup(teacher.name(), "bench", null, null))) {
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
