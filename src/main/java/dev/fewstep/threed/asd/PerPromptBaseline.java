package dev.fewstep.threed.asd;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.Adam;
import java.util.Random;

/**
 * The per-prompt baseline of the issue (DreamFusion's setting): the same generator and renderer, started afresh and
 * optimised with SDS for ONE prompt, every update a batch of views of that prompt. What amortization saves is its time.
 */
public final class PerPromptBaseline {
    private final Denoiser teacher;
    private final boolean viewConditioned;
    private final AsdConfig config;

    /** @param config the settings of the amortized run; the loss is set to SDS */
    public PerPromptBaseline(Denoiser teacher, boolean viewConditioned, AsdConfig config) {
        this.teacher = teacher;
        this.viewConditioned = viewConditioned;
        this.config = new AsdConfig(ScoreDistillationLoss.Kind.SDS, config.guidanceScale(), config.minTime(),
                config.maxTime(), 0, config.learningRate(), config.run(), config.generator()).validated();
    }

    /** One prompt's optimisation: its wall time and the voxel IoU of the result. */
    public record Outcome(String prompt, double seconds, double iou) {}

    public Outcome optimise(String prompt, int iterations, long seed) {
        String caption = Model3d.checkPrompt(prompt);
        float[] embedding = TextEncoder.get().embed(caption);
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            TriplaneGenerator generator = TriplaneGenerator.create(config.generator(), manager);
            Adam adam = new Adam(generator, manager, 0.9, 0.99, 1e-8);
            DistillStep step = new DistillStep(generator, teacher, viewConditioned, config);
            Random random = new Random(seed);
            for (int i = 0; i < iterations; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    DistillStep.Draws draws = step.draw(scope, random, 1, config.run().batch());
                    NDArray rows = ViewConditioning.rows(scope, embedding, draws.prompts());
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(step.loss(rows, draws).objective());
                    }
                    adam.step(config.learningRate());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            try (Model3d result = Model3d.of(caption, generator)) {
                return new Outcome(caption, seconds, ShapeScores.iou(result, caption));
            }
        }
    }
}
