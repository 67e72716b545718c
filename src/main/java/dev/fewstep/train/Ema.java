package dev.fewstep.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.model.Weights;

/**
 * An exponential moving average of a block's weights, kept in a second block of the same shape (the weights
 * that get shipped). The decay ramps up as min(decay, (1 + n) / (10 + n)) so early averages forget the
 * random initialisation quickly.
 */
public final class Ema {
    private final Block source;
    private final Block average;
    private final double decay;

    public Ema(Block source, Block average, double decay) {
        this.source = source;
        this.average = average;
        this.decay = decay;
        Weights.copy(source, average);
    }

    public void update(long step) {
        double beta = Math.min(decay, (1.0 + step) / (10.0 + step));
        var from = source.getParameters();
        var to = average.getParameters();
        for (int i = 0; i < from.size(); i++) {
            Pair<String, Parameter> p = from.get(i);
            NDArray weight = p.getValue().getArray();
            NDArray target = to.get(i).getValue().getArray();
            try (NDManager scratch = target.getManager().newSubManager()) {
                NDArray difference = weight.sub(target);
                difference.attach(scratch);
                target.addi(difference.muli(1 - beta));
            }
        }
    }

    public Block average() {
        return average;
    }
}
