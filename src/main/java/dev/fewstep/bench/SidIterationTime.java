package dev.fewstep.bench;

import dev.fewstep.distill.sid.SidConfig;
import dev.fewstep.distill.sid.SidDistillation;
import dev.fewstep.distill.sid.SidSetup;
import dev.fewstep.model.DiffusionModel;
import java.io.IOException;

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
        try (SidDistillation method = new SidDistillation(config, teacher, new SidSetup(teacher.name(), "bench", null, null))) {
            return dev.fewstep.train.loop.IterationTime.secondsPerIteration(method);
        }
    }
}
