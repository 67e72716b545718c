package dev.fewstep.threed.asd;

import dev.fewstep.threed.Picture;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * eval3d's measurements over a prompt set (docs/threed.md, "Measuring a 3D generator"):
 * <ul>
 *   <li>voxel IoU at 32³ of the occupancy σ &gt; τ against the parsed prompt's SDF &lt; 0;</li>
 *   <li>render prompt accuracy: the fraction of the {@link ShapeScores#VIEWS} views a shapes classifier reads as the
 *       prompt's shapes and colours (when a classifier is given);</li>
 *   <li>view consistency: per prompt the worst of its views' silhouette IoUs against the sphere-traced truth, averaged
 *       over prompts (an object right from one side only, the "Janus" failure, scores low); beside it the mean view;</li>
 *   <li>seconds per object: the prompt's embedding, triplanes, density grid at 32³ and coloured marching-cubes mesh.</li>
 * </ul>
 */
public final class Eval3d {
    private Eval3d() {}

    public record PerPrompt(String prompt, double iou, double meanView, double worstView, double accuracy, double seconds) {}

    /** Means over the prompts; {@code renderAccuracy} is NaN when no classifier was given. */
    public record Report(List<PerPrompt> prompts, double iou, double meanView, double viewConsistency,
            double renderAccuracy, double secondsPerObject) {}

    /** @param judge whether a view shows the prompt, or null when no classifier is available */
    public static Report evaluate(Model3d model, List<String> prompts, BiPredicate<Picture, String> judge) {
        model.mesh(prompts.get(0), Model3d.GRID); // loads the text encoder and warms the engine up, not timed
        List<PerPrompt> rows = new ArrayList<>();
        for (String prompt : prompts) {
            long start = System.nanoTime();
            model.mesh(prompt, Model3d.GRID);
            double seconds = (System.nanoTime() - start) / 1e9;
            ShapeScores.Scores scores = ShapeScores.of(model, prompt);
            double accuracy = Double.NaN;
            if (judge != null) {
                int right = 0;
                for (Picture view : scores.views()) {
                    right += judge.test(view, prompt) ? 1 : 0;
                }
                accuracy = (double) right / scores.views().size();
            }
            rows.add(new PerPrompt(prompt, scores.iou(), scores.meanView(), scores.worstView(), accuracy, seconds));
        }
        return new Report(rows, mean(rows, PerPrompt::iou), mean(rows, PerPrompt::meanView),
                mean(rows, PerPrompt::worstView), mean(rows, PerPrompt::accuracy), mean(rows, PerPrompt::seconds));
    }

    private static double mean(List<PerPrompt> rows, java.util.function.ToDoubleFunction<PerPrompt> value) {
        return rows.stream().mapToDouble(value).average().orElse(Double.NaN);
    }
}
