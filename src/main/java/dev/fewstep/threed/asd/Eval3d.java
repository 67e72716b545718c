package dev.fewstep.threed.asd;

import dev.fewstep.threed.Picture;
import java.util.ArrayList;
import java.util.List;
import dev.fewstep.threed.RenderPromptAccuracy;

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

    public record PerPrompt(String prompt, double iou, double meanView, double worstView, double accuracy,
            double truthAccuracy, double seconds) {}

    /**
     * Means over the prompts; the accuracies are NaN when no classifier was given. {@code truthAccuracy} is the
     * classifier's accuracy on the sphere-traced truth from the same cameras: the ceiling of render accuracy.
     */
    public record Report(List<PerPrompt> prompts, double iou, double meanView, double viewConsistency,
            double renderAccuracy, double truthAccuracy, double secondsPerObject) {}

    /** @param classifier the shapes classifier of render prompt accuracy, or null when none is available */
    public static Report evaluate(Model3d model, List<String> prompts, RenderPromptAccuracy classifier) {
        model.mesh(prompts.get(0), Model3d.GRID); // loads the text encoder and warms the engine up, not timed
        List<PerPrompt> rows = new ArrayList<>();
        for (String prompt : prompts) {
            long start = System.nanoTime();
            model.mesh(prompt, Model3d.GRID);
            double seconds = (System.nanoTime() - start) / 1e9;
            ShapeScores.Scores scores = ShapeScores.of(model, prompt);
            double accuracy = Double.NaN;
            double truthAccuracy = Double.NaN;
            if (classifier != null) {
                accuracy = accuracy(classifier, scores.views(), prompt);
                truthAccuracy = accuracy(classifier, scores.truthViews(), prompt);
            }
            rows.add(new PerPrompt(prompt, scores.iou(), scores.meanView(), scores.worstView(), accuracy, truthAccuracy,
                    seconds));
        }
        return new Report(rows, mean(rows, PerPrompt::iou), mean(rows, PerPrompt::meanView),
                mean(rows, PerPrompt::worstView), mean(rows, PerPrompt::accuracy), mean(rows, PerPrompt::truthAccuracy),
                mean(rows, PerPrompt::seconds));
    }

    /** The fraction of the views the classifier reads as the prompt. */
    static double accuracy(RenderPromptAccuracy classifier, List<Picture> views, String prompt) {
        int plane = 3 * views.get(0).size() * views.get(0).size();
        float[] pixels = new float[views.size() * plane];
        for (int v = 0; v < views.size(); v++) {
            System.arraycopy(views.get(v).signed(), 0, pixels, v * plane, plane);
        }
        float[] matches = classifier.matches(pixels, views.size(), java.util.Collections.nCopies(views.size(), prompt));
        double sum = 0;
        for (float m : matches) {
            sum += m;
        }
        return sum / views.size();
    }

    private static double mean(List<PerPrompt> rows, java.util.function.ToDoubleFunction<PerPrompt> value) {
        return rows.stream().mapToDouble(value).average().orElse(Double.NaN);
    }
}
