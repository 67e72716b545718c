package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.threed.Camera;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What one generator update draws and differentiates (ScaleDreamer Alg. 1, one prompt batch): prompts, one random
 * camera of the dataset's range per prompt, a time t (and t⁺) and noise per image; then render the generator's
 * field from those cameras at the teacher's resolution and apply the score-distillation gradient.
 */
public final class DistillStep {
    private final TriplaneGenerator generator;
    private final FieldRenderer renderer;
    private final ScoreDistillationLoss loss;
    private final DiffusionTimes times;
    private final Denoiser teacher;
    private final boolean viewConditioned;

    /** @param viewConditioned whether the teacher reads the camera ({@code UNetConfig.cameraDim} &gt; 0) */
    public DistillStep(TriplaneGenerator generator, Denoiser teacher, boolean viewConditioned, AsdConfig config) {
        this.viewConditioned = viewConditioned;
        this.generator = generator;
        this.renderer = new FieldRenderer(generator);
        this.loss = new ScoreDistillationLoss(config.loss(), config.guidanceScale());
        this.times = config.times();
        this.teacher = teacher;
    }

    /** The draws of one update; the noise comes from the engine's generator (seeded per iteration by the loop). */
    public record Draws(int[] prompts, List<Camera> cameras, ScoreDistillationLoss.Draw draw) {}

    public Draws draw(NDManager scope, Random random, int promptCount, int batch) {
        int[] prompts = new int[batch];
        int[] t = new int[batch];
        int[] later = new int[batch];
        List<Camera> cameras = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            prompts[i] = random.nextInt(promptCount);
            cameras.add(Camera.random(random));
            t[i] = times.sample(random);
            later[i] = times.later(t[i], random);
        }
        int size = teacher.imageSize();
        NDArray noise = scope.randomNormal(new Shape(batch, teacher.imageChannels(), size, size));
        return new Draws(prompts, cameras, new ScoreDistillationLoss.Draw(t, later, noise));
    }

    /** The loss of one update, to be called inside a gradient collector; {@code embeddings} are the drawn prompts'. */
    public ScoreDistillationLoss.Value loss(NDArray embeddings, Draws draws) {
        NDArray planes = generator.planes(embeddings);
        NDArray images = renderer.render(planes, draws.cameras(), teacher.imageSize()).images();
        Conditioning conditioning = ViewConditioning.of(embeddings, draws.cameras(), viewConditioned);
        return loss.loss(teacher, images, conditioning, draws.draw());
    }
}
