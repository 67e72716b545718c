package dev.fewstep.bench;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.Images;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.nn.OpTimes;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Where one generation call's time goes: inside the network (per operation kind) or outside it (noise, the
 * sampler's arithmetic, preconditioning, copying the images out), and what turning its images into a PNG costs on
 * top. A teacher samples with DPM-Solver++ at 8 steps and guidance 2 on 16 images; a student with its own levels on 64.
 *
 * @param seconds the generation call as {@link Generation} reports it (prompt embedding excluded)
 * @param networkSeconds the part spent inside the U-Net
 * @param networkKinds seconds per operation kind inside the U-Net
 * @param noiseSeconds the Java-side unit Gaussian noise for the batch ({@link Generation#noise})
 * @param pngSeconds the batch as one PNG grid, as {@code generate} and the server encode it
 */
public record SamplingCost(int batch, String budget, int nfe, double seconds, double networkSeconds,
        Map<String, Double> networkKinds, double noiseSeconds, double pngSeconds) {
    static final Budget TEACHER_BUDGET = new Budget("dpmpp2m", 8, 2.0);
    static final int TEACHER_BATCH = 16;
    static final int STUDENT_BATCH = 64;

    public double outsideShare() {
        return 1 - networkSeconds / seconds;
    }

    static SamplingCost measure(DiffusionModel model) {
        boolean teacher = model.kind().isTeacher();
        int batch = teacher ? TEACHER_BATCH : STUDENT_BATCH;
        Budget budget = teacher ? TEACHER_BUDGET : new Budget("euler", 1, 1.0);
        String prompt = model.info().prompts().isEmpty() ? "an image" : model.info().prompts().get(0);
        List<String> prompts = Collections.nCopies(batch, prompt);
        Generation.warmUp(model, new GenerateRequest(prompt, budget.sampler(), budget.steps(), budget.cfg(), 0, batch));
        Generation.Result result;
        Map<String, Double> kinds;
        double network;
        try (OpTimes times = OpTimes.record()) {
            result = Generation.generate(model, prompts, 0, budget, evaluation -> {});
            kinds = times.seconds();
            network = times.totalSeconds();
        }
        int length = result.channels() * result.size() * result.size();
        long start = System.nanoTime();
        Generation.noise(0, batch, length);
        double noise = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        Images.png(Images.grid(result.pixels(), result.count(), result.channels(), result.size()));
        double png = (System.nanoTime() - start) / 1e9;
        return new SamplingCost(batch, model.generator().describe(budget), result.nfe(), result.seconds(), network, kinds,
                noise, png);
    }
}
