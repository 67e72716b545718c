package dev.fewstep.threed.asd;

import dev.fewstep.threed.Camera;
import dev.fewstep.threed.Captions;
import dev.fewstep.threed.Picture;
import dev.fewstep.threed.Scene;
import dev.fewstep.threed.SdfRenderer;
import dev.fewstep.threed.VoxelGrid;
import java.util.ArrayList;
import java.util.List;

/**
 * What eval3d measures of one generated object against the truth of its prompt (the prompt parsed back to a scene):
 * voxel IoU at 32³ of the occupancy σ > τ against the scene's SDF < 0, and the silhouette IoU of each of
 * {@link #VIEWS} views around it (opacity > ½ of the volume render against coverage > ½ of the sphere-traced truth).
 */
public final class ShapeScores {
    /** Views of the view-consistency check: azimuths 0°, 45°, …, 315° at 20° elevation. */
    public static final int VIEWS = 8;
    static final int VIEW_SIZE = 32;

    private ShapeScores() {}

    /**
     * @param iou voxel IoU at 32³
     * @param silhouettes silhouette IoU per view
     * @param views the volume-rendered views (for the classifier)
     * @param truthViews the sphere-traced views of the prompt's scene from the same cameras
     */
    public record Scores(double iou, double[] silhouettes, List<Picture> views, List<Picture> truthViews) {
        public double worstView() {
            double worst = 1;
            for (double s : silhouettes) {
                worst = Math.min(worst, s);
            }
            return worst;
        }

        public double meanView() {
            double sum = 0;
            for (double s : silhouettes) {
                sum += s;
            }
            return sum / silhouettes.length;
        }
    }

    public static List<Camera> cameras() {
        List<Camera> cameras = new ArrayList<>();
        for (int v = 0; v < VIEWS; v++) {
            cameras.add(new Camera(360.0 * v / VIEWS, 20));
        }
        return cameras;
    }

    public static double iou(Model3d model, String prompt) {
        Scene scene = Captions.parse(prompt);
        return VoxelGrid.iou(model.occupancy(prompt, Model3d.GRID), VoxelGrid.of(scene, Model3d.GRID));
    }

    public static Scores of(Model3d model, String prompt) {
        Scene.Field truth = Captions.parse(prompt).field();
        List<Camera> cameras = cameras();
        List<Picture> views = model.render(prompt, cameras, VIEW_SIZE);
        SdfRenderer tracer = new SdfRenderer(VIEW_SIZE, 2);
        double[] silhouettes = new double[VIEWS];
        List<Picture> truthViews = new ArrayList<>();
        for (int v = 0; v < VIEWS; v++) {
            truthViews.add(tracer.render(truth, cameras.get(v)));
            silhouettes[v] = silhouetteIou(views.get(v).alpha(), truthViews.get(v).alpha());
        }
        return new Scores(iou(model, prompt), silhouettes, views, truthViews);
    }

    /** |A ∩ B| / |A ∪ B| of the pixels with α > ½; 1 when both are empty. */
    static double silhouetteIou(float[] a, float[] b) {
        int intersection = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            boolean inA = a[i] > 0.5f;
            boolean inB = b[i] > 0.5f;
            intersection += inA && inB ? 1 : 0;
            union += inA || inB ? 1 : 0;
        }
        return union == 0 ? 1 : (double) intersection / union;
    }
}
