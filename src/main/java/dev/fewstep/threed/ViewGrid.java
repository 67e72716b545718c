package dev.fewstep.threed;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Images;
import dev.fewstep.model.DiffusionModel;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A picture of view conditioning: one row per prompt, the teacher's samples from azimuths 0°, 90°, 180°, 270° at
 * elevation 20° on the left and the truth from the same cameras on the right. Every sample of a row starts from the
 * same noise, so only the camera changes along it.
 */
public final class ViewGrid {
    public static final double[] AZIMUTHS = {0, 90, 180, 270};
    public static final double ELEVATION = 20;

    private ViewGrid() {}

    public static BufferedImage of(DiffusionModel teacher, List<String> prompts, Budget budget, long seed, int scale) {
        int views = AZIMUTHS.length;
        int length = 3 * MakeShapes.SIZE * MakeShapes.SIZE;
        float[] pixels = new float[prompts.size() * 2 * views * length];
        for (int r = 0; r < prompts.size(); r++) {
            List<String> row = new ArrayList<>();
            List<Camera> cameras = new ArrayList<>();
            for (double azimuth : AZIMUTHS) {
                row.add(prompts.get(r));
                cameras.add(new Camera(azimuth, ELEVATION));
            }
            float[] samples = new float[views * length];
            for (int v = 0; v < views; v++) { // one noise for the row: seed, not seed + v
                float[] one = ViewEvaluation.sample(teacher, row.subList(v, v + 1), cameras.subList(v, v + 1), budget, seed);
                System.arraycopy(one, 0, samples, v * length, length);
            }
            float[] truth = ViewEvaluation.truth(row, cameras);
            System.arraycopy(samples, 0, pixels, (r * 2 * views) * length, samples.length);
            System.arraycopy(truth, 0, pixels, (r * 2 * views + views) * length, truth.length);
        }
        return Images.upscale(Images.grid(pixels, prompts.size() * 2 * views, 3, MakeShapes.SIZE, 2 * views), scale);
    }
}
