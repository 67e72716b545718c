package dev.fewstep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fewstep.model.Weights;
import java.util.function.LongToDoubleFunction;

/**
 * An exponential moving average of a block's weights, kept in a second block of the same shape (the weights that
 * get shipped): average = lerp(weights, average, beta). The decay beta comes from a policy of the training's
 * position (steps or images seen): {@link #decay} for teachers, {@link #halfLife} for SiD's generator.
 */
public final class Ema {
    private final Block source;
    private final Block average;
    private final LongToDoubleFunction beta;

    /** Starts the average at the current weights. */
    public Ema(Block source, Block average, LongToDoubleFunction beta) {
        this.source = source;
        this.average = average;
        this.beta = beta;
        reset();
    }

    /**
     * A fixed decay that ramps up as min(decay, (1 + n) / (10 + n)) over steps n, so early averages forget the random
     * initialisation quickly.
     */
    public static LongToDoubleFunction decay(double decay) {
        return step -> Math.min(decay, (1.0 + step) / (10.0 + step));
    }

    /**
     * EDM's and SiD's policy: a half-life in images that ramps up with the images seen, h = min(halfLife,
     * imagesSeen * rampup) (no ramp when rampup is 0), and beta = 0.5^(batch / h) per update.
     */
    public static LongToDoubleFunction halfLife(double halfLifeImages, double rampup, int batch) {
        return imagesSeen -> {
            double halfLife = rampup > 0 ? Math.min(halfLifeImages, imagesSeen * rampup) : halfLifeImages;
            return Math.pow(0.5, batch / Math.max(halfLife, 1e-8));
        };
    }

    /** Starts the average again at the current weights. */
    public void reset() {
        Weights.copy(source, average);
    }

    /** @param position steps or images seen before this update, as the policy counts */
    public void update(long position) {
        double b = beta.applyAsDouble(position);
        var from = source.getParameters();
        var to = average.getParameters();
        for (int i = 0; i < from.size(); i++) {
            NDArray weight = from.get(i).getValue().getArray();
            NDArray target = to.get(i).getValue().getArray();
            try (NDManager scratch = target.getManager().newSubManager()) {
                NDArray difference = weight.sub(target);
                difference.attach(scratch);
                target.addi(difference.muli(1 - b));
            }
        }
    }

    public Block average() {
        return average;
    }
}
