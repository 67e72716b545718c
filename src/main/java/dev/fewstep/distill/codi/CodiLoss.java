package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.distill.consistency.ConsistencyLoss;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.train.loop.Objective;

/**
 * CoDi's objective (Mei et al. 2024, Section 3): the conditional consistency loss plus a clean-image term. With the
 * condition c made from a training image x_0 and x_t = x_0 + t z,
 *
 * <ul>
 *   <li>the conditional teacher's guided ODE step x^_s from x_t ({@link ConsistencyLoss#teacherStep}; guidance keeps
 *       c in both branches);
 *   <li>L = d(f_theta(x_t, t, c), f_theta^-(x^_s, s, c)) + lambda d(f_theta(x_t, t, c), x_0), f_theta the student
 *       with the consistency boundary scalings (sigma_data 0.5, f(x, sigma_min) = x), f_theta^- its target network
 *       (no gradient), d the pseudo-Huber distance.
 * </ul>
 */
public final class CodiLoss {
    private final ConsistencyLoss consistency;
    private final double cleanWeight;

    public CodiLoss(CodiConfig config) {
        this.consistency = new ConsistencyLoss(config.consistency());
        this.cleanWeight = config.cleanWeight();
    }

    public ConsistencyLoss consistency() {
        return consistency;
    }

    /** The objective and its two terms' values. */
    public record Value(NDArray objective, double reported, double consistencyTerm, double cleanTerm) implements Objective {}

    /**
     * @param conditioning the prompts and the condition images (control)
     * @param clean x_0, the images the conditions came from
     */
    public Value loss(Denoiser online, Denoiser target, NDArray noisy, NDArray stepped, NDArray high, NDArray low,
            Conditioning conditioning, NDArray clean) {
        NDArray goal = target.denoise(stepped, low, conditioning).stopGradient();
        NDArray predicted = online.denoise(noisy, high, conditioning);
        NDArray consistent = consistency.distance(predicted, goal);
        NDArray faithful = consistency.distance(predicted, clean);
        NDArray objective = consistent.add(NativeMemory.times(faithful, cleanWeight));
        return new Value(objective, objective.getFloat(), consistent.getFloat(), faithful.getFloat());
    }
}
