package dev.fewstep.threed.asd;

import dev.fewstep.threed.SceneSampler;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A distillation's probe: the mean voxel IoU at 32³ of a few training prompts ({@code iou_train}) and a few held-out
 * ones ({@code iou_held_out}), drawn once with {@link PromptSets#EVAL_SEED}, of the generator being trained.
 */
public final class IouProbe implements Probe {
    private final AsdDistillation method;
    private final List<String> train;
    private final List<String> heldOut;

    public IouProbe(AsdDistillation method, List<String> trainPrompts, int count) {
        this.method = method;
        this.train = PromptSets.drawFrom(trainPrompts, count, PromptSets.EVAL_SEED);
        this.heldOut = PromptSets.draw(SceneSampler.Split.HELD_OUT, count, PromptSets.EVAL_SEED);
    }

    @Override
    public Map<String, Double> measure(Snapshot model, long iteration) {
        Map<String, Double> values = new LinkedHashMap<>();
        try (Model3d snapshot = Model3d.of("probe", method.generator())) {
            values.put("iou_train", mean(snapshot, train));
            values.put("iou_held_out", mean(snapshot, heldOut));
        }
        return values;
    }

    private static double mean(Model3d model, List<String> prompts) {
        double sum = 0;
        for (String prompt : prompts) {
            sum += ShapeScores.iou(model, prompt);
        }
        return sum / prompts.size();
    }
}
