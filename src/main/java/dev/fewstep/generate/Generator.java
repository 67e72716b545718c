package dev.fewstep.generate;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.sample.Sampler;
import java.util.List;
import java.util.Set;

/**
 * Noise and prompts in, images out: what a model of any kind offers the CLI, the server, the yardstick and the
 * training probes. A teacher integrates the probability-flow ODE with a sampler ({@link TeacherGenerator}); a
 * distilled student evaluates its network at its own few noise levels ({@link StudentGenerator}). Each model kind
 * builds its own ({@link dev.fewstep.model.ModelKinds}), so no caller asks which kind it holds.
 */
public interface Generator {

    /**
     * @param noise (B, C, H, W) unit Gaussian noise
     * @return the images (unclipped) and the network evaluations spent
     */
    Sampler.Sample generate(NDArray noise, Conditioning conditioning, Budget budget);

    /** The settings of a {@link Budget} this generator follows; the others are ignored. */
    Set<Budget.Setting> reads();

    /** Network evaluations a generation with {@code budget} spends. */
    int nfe(Budget budget);

    /** Suggested ways to run it, cheapest last (a page's presets). */
    List<Budget> presets();

    /** The budget in words, e.g. "heun 18 steps, cfg 2.0" or "1 step". */
    String describe(Budget budget);
}
