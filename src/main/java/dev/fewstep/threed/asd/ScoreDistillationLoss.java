package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.sample.Guidance;
import dev.fewstep.train.loop.Objective;

/**
 * Score distillation of a 2D teacher into rendered images x = g(θ, c).
 *
 * <p>Notation: ε the noise, σ_t the EDM level of time t ({@link DiffusionTimes}), x_t = x + σ_t ε,
 * ε̂(x_t; y, t) = (x_t − D(x_t; σ_t, y))/σ_t the teacher's noise prediction, ε̂_ω its classifier-free-guided form with
 * scale ω, ∅ the dropped prompt, w(t) = 1 − ᾱ_t.
 *
 * <ul>
 *   <li>SDS (DreamFusion, Poole et al. 2022, Eq. 3): ∇_θ L = E[w(t)(ε̂_ω(x_t; y, t) − ε) ∂x/∂θ].</li>
 *   <li>ASD (ScaleDreamer, Ma et al. 2024, Eq. 9): the noise ε is replaced by the teacher's own unguided prediction at a
 *       later time t⁺ = t + Δt with the same ε, ∇_θ L = E[w(t)(ε̂_ω(x_t; y, t) − ε̂(x_{t⁺}; y, t⁺)) ∂x/∂θ]. The
 *       teacher's prediction error, which SDS leaves in its gradient, nearly cancels, and what remains is the
 *       change of the score between t and t⁺.</li>
 * </ul>
 * Both are applied by the reparametrisation L = ½ ‖x − sg(x − g)‖² / B, whose gradient in x is g. The teacher only
 * ever sees detached images, so it gathers no gradient and never changes.
 */
public final class ScoreDistillationLoss {
    /** Which gradient: ASD's or SDS's. */
    public enum Kind { ASD, SDS }

    private final Kind kind;
    private final double guidanceScale;

    public ScoreDistillationLoss(Kind kind, double guidanceScale) {
        if (!(guidanceScale >= 0) || !Double.isFinite(guidanceScale)) {
            throw new IllegalArgumentException("the guidance scale must be finite and not negative, got " + guidanceScale);
        }
        this.kind = kind;
        this.guidanceScale = guidanceScale;
    }

    /** One draw per image: its time t, ASD's later time t⁺, and the noise ε (B, 3, H, W) shared by both. */
    public record Draw(int[] t, int[] tLater, NDArray noise) {}

    /**
     * @param gradient g, (B, 3, H, W), detached
     * @param reported the mean over images of ‖g‖ (the surrogate's value says nothing)
     */
    public record Value(NDArray objective, NDArray gradient, double reported) implements Objective {}

    public Value loss(Denoiser teacher, NDArray images, Conditioning conditioning, Draw draw) {
        NDManager manager = images.getManager();
        NDArray x = images.stopGradient();
        NDArray epsilon = draw.noise();
        NDArray guided = predictedNoise(teacher, x, epsilon, draw.t(), new Guidance(conditioning, guidanceScale));
        NDArray reference = kind == Kind.SDS ? epsilon
                : predictedNoise(teacher, x, epsilon, draw.tLater(), Guidance.none(conditioning));
        NDArray gradient = guided.sub(reference).mul(column(manager, weights(draw.t()))).stopGradient();
        NDArray target = x.sub(gradient);
        long batch = images.getShape().get(0);
        NDArray objective = images.sub(target).square().sum().mul(0.5f / batch);
        double norm = gradient.square().sum(new int[] {1, 2, 3}).sqrt().mean().getFloat();
        return new Value(objective, gradient, norm);
    }

    /** ε̂(x + σ_t ε; y, t) = (x_t − D(x_t; σ_t, y))/σ_t, guided as {@code guidance} says. */
    static NDArray predictedNoise(Denoiser teacher, NDArray x, NDArray epsilon, int[] t, Guidance guidance) {
        NDManager manager = x.getManager();
        float[] sigmas = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            sigmas[i] = (float) DiffusionTimes.sigma(t[i]);
        }
        NDArray sigma = manager.create(sigmas);
        NDArray s = sigma.reshape(-1, 1, 1, 1);
        NDArray noisy = x.add(epsilon.mul(s));
        return noisy.sub(guidance.denoise(teacher, noisy, sigma)).div(s);
    }

    private static float[] weights(int[] t) {
        float[] w = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            w[i] = (float) DiffusionTimes.weight(t[i]);
        }
        return w;
    }

    private static NDArray column(NDManager manager, float[] values) {
        return manager.create(values, new Shape(values.length, 1, 1, 1));
    }

    public Kind kind() {
        return kind;
    }

    public double guidanceScale() {
        return guidanceScale;
    }
}
