package dev.fewstep.train.loop;

import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import dev.fewstep.train.Adam;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One iteration of a run as a method sees it: its index, its Java-side random numbers, and {@link #update}, which
 * takes one optimiser step and keeps count of the steps it had to skip.
 */
public final class Iteration {
    private final long index;
    private final Random random;
    private int skippedUpdates;

    Iteration(long index, Random random) {
        this.index = index;
        this.random = random;
    }

    /** The iteration's number, counted from 0. */
    public long index() {
        return index;
    }

    public Random random() {
        return random;
    }

    /**
     * Differentiates one loss with respect to the parameters that require gradients, then takes an Adam step
     * (gradients scaled to at most {@code maxGradientNorm}). A non-finite loss or gradient skips the step: one
     * overflowing batch must not poison the weights, and the run goes on. Returns the loss, whose value is
     * reported whether or not the step was taken.
     */
    public <L extends Objective> L update(Adam adam, double learningRate, double maxGradientNorm, Supplier<L> loss) {
        L value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            value = loss.get();
            if (Double.isFinite(value.reported())) {
                collector.backward(value.objective());
            }
        }
        boolean stepped;
        if (Double.isFinite(value.reported())) {
            stepped = Double.isFinite(adam.step(learningRate, maxGradientNorm)); // Adam drops a non-finite gradient
        } else {
            adam.zeroGradients();
            stepped = false;
        }
        if (!stepped) {
            skippedUpdates++;
        }
        return value;
    }

    /**
     * The same for one network of several that are each frozen outside their own update: only {@code network} requires
     * gradients while its loss is differentiated, so networks merely evaluated inside it gather none.
     */
    public <L extends Objective> L update(Block network, Adam adam, double learningRate, Supplier<L> loss) {
        network.freezeParameters(false);
        try {
            return update(adam, learningRate, Double.POSITIVE_INFINITY, loss);
        } finally {
            network.freezeParameters(true);
        }
    }

    /** The value to report for an update's loss: NaN when an update of this iteration was skipped. */
    public double reported(Objective value) {
        return skippedUpdates == 0 ? value.reported() : Double.NaN;
    }

    /** Updates skipped in this iteration for a non-finite loss or gradient. */
    public int skippedUpdates() {
        return skippedUpdates;
    }
}
