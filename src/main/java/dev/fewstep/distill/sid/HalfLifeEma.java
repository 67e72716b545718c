package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fewstep.model.Weights;

/**
 * The generator's weight average as SiD's code keeps it (after EDM): the half-life is given in images and ramps
 * up with the images seen, h = min(half_life, images_seen * ramp_up), and each update moves the average by
 * beta = 0.5^(batch / h): average = lerp(weights, average, beta).
 */
final class HalfLifeEma {
    private final Block source;
    private final Block average;
    private final double halfLifeImages;
    private final double rampup;

    HalfLifeEma(Block source, Block average, double halfLifeImages, double rampup) {
        this.source = source;
        this.average = average;
        this.halfLifeImages = halfLifeImages;
        this.rampup = rampup;
    }

    /** Starts the average at the current weights. */
    void reset() {
        Weights.copy(source, average);
    }

    /** The decay for an update after {@code imagesSeen} images (before this update's batch). */
    static double beta(long imagesSeen, int batch, double halfLifeImages, double rampup) {
        double halfLife = rampup > 0 ? Math.min(halfLifeImages, imagesSeen * rampup) : halfLifeImages;
        return Math.pow(0.5, batch / Math.max(halfLife, 1e-8));
    }

    void update(long imagesSeen, int batch) {
        double beta = beta(imagesSeen, batch, halfLifeImages, rampup);
        var from = source.getParameters();
        var to = average.getParameters();
        for (int i = 0; i < from.size(); i++) {
            NDArray weight = from.get(i).getValue().getArray();
            NDArray target = to.get(i).getValue().getArray();
            try (NDManager scratch = target.getManager().newSubManager()) {
                NDArray difference = weight.sub(target);
                difference.attach(scratch);
                target.addi(difference.muli(1 - beta));
            }
        }
    }
}
