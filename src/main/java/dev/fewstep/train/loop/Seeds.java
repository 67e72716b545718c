package dev.fewstep.train.loop;

import ai.djl.engine.Engine;
import java.util.Random;

/**
 * Every random draw of a run comes from its seed and the iteration: Java-side draws (batches, prompts, dropout)
 * from {@link #random}, the engine's (noise, noise levels) from the engine seed set by {@link #seedEngine}. So an
 * iteration draws the same numbers whether the run went straight through or was resumed before it.
 */
public final class Seeds {
    private final long seed;

    public Seeds(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    public Random random(long iteration) {
        return new Random(seed * 1_000_003L + iteration);
    }

    public void seedEngine(long iteration) {
        Engine.getInstance().setRandomSeed((int) (seed * 7919 + iteration));
    }
}
