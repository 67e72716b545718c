package dev.fewstep.distill.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.sample.Guidance;
import dev.fewstep.sample.Schedule;
import dev.fewstep.train.loop.Objective;

/**
 * Consistency distillation (Song et al. 2023, Section 4), with N Karras levels sigma_min = t_1 &lt; ... &lt; t_N =
 * sigma_max and n ~ U{1, ..., N-1}:
 *
 * <ul>
 *   <li>x_{t_{n+1}} = y + t_{n+1} z for a training image y (Algorithm 2);
 *   <li>the teacher's ODE step (Eq. 6) x^_{t_n} = x_{t_{n+1}} + (t_n - t_{n+1}) Phi(x_{t_{n+1}}, t_{n+1}), with the
 *       probability-flow slope Phi = (x - D^w(x; t)) / t of the guided teacher D^w (LCM: guidance inside the step);
 *       Heun adds the trapezoidal correction with the slope at x^_{t_n};
 *   <li>the loss (Eq. 7, lambda = 1) d(f_theta(x_{t_{n+1}}, t_{n+1}), f_theta^-(x^_{t_n}, t_n)), d the pseudo-Huber
 *       distance sqrt(||a - b||^2 / pixels + c^2) - c per sample, averaged over the batch, f_theta^- the target network
 *       (no gradient).
 * </ul>
 */
public final class ConsistencyLoss {
    private final ConsistencyConfig config;
    private final Schedule levels;

    public ConsistencyLoss(ConsistencyConfig config) {
        this.config = config;
        this.levels = Schedule.karras(config.levels()); // descending: levels.sigma(0) = sigma_max
    }

    /** A loss value: the objective to differentiate and its value. */
    public record Value(NDArray objective, double reported) implements Objective {}

    /** The per-sample level pair: index i of the higher level t_{n+1} = sigma(i), the lower t_n = sigma(i + 1). */
    public NDArray[] sampleLevels(NDManager scope, java.util.Random random, int batch) {
        float[] high = new float[batch];
        float[] low = new float[batch];
        for (int b = 0; b < batch; b++) {
            int i = random.nextInt(config.levels() - 1);
            high[b] = (float) levels.sigma(i);
            low[b] = (float) levels.sigma(i + 1);
        }
        return new NDArray[] {scope.create(high, new Shape(batch)), scope.create(low, new Shape(batch))};
    }

    /** x^_{t_n}: one guided Euler or Heun step of the teacher from t_{n+1} down to t_n; no gradient. */
    public NDArray teacherStep(Denoiser teacher, NDArray x, NDArray high, NDArray low, Conditioning conditioning) {
        Guidance guidance = new Guidance(conditioning, config.guidance());
        NDArray h = high.reshape(-1, 1, 1, 1);
        NDArray step = low.reshape(-1, 1, 1, 1).sub(h);
        NDArray slope = x.sub(guidance.denoise(teacher, x, high)).div(h);
        NDArray euler = x.add(slope.mul(step));
        if (config.solver().equals("euler")) {
            return euler.stopGradient();
        }
        NDArray l = low.reshape(-1, 1, 1, 1);
        NDArray slopeLow = euler.sub(guidance.denoise(teacher, euler, low)).div(l);
        return x.add(slope.add(slopeLow).mul(step).mul(0.5)).stopGradient();
    }

    /**
     * d(f_theta(x_high, t_{n+1}), f_theta^-(x^_low, t_n)).
     *
     * @param online f_theta, whose parameters receive gradients
     * @param target f_theta^-
     */
    public Value loss(Denoiser online, Denoiser target, NDArray noisy, NDArray stepped, NDArray high, NDArray low,
            Conditioning conditioning) {
        NDArray goal = target.denoise(stepped, low, conditioning).stopGradient();
        NDArray predicted = online.denoise(noisy, high, conditioning);
        NDArray objective = distance(predicted, goal);
        return new Value(objective, objective.getFloat());
    }

    /** d(a, b): the pseudo-Huber distance sqrt(||a - b||^2 / pixels + c^2) - c per sample, averaged over the batch. */
    public NDArray distance(NDArray a, NDArray b) {
        long batch = a.getShape().get(0);
        double c = config.huber();
        NDArray squared = a.sub(b).square().reshape(batch, -1).mean(new int[] {1});
        return NativeMemory.plus(NativeMemory.plus(squared, c * c).sqrt(), -c).mean();
    }
}
