package dev.fewstep.threed.asd;

import java.util.Random;

/**
 * The discrete diffusion times of score distillation, mapped onto the teacher's EDM noise levels. ScaleDreamer's and
 * DreamFusion's guidance draw an integer t of T = 1000 DDPM steps (Stable Diffusion's "scaled linear" schedule,
 * β_i = (√β_start + i/(T − 1)(√β_end − √β_start))², β_start = 0.00085, β_end = 0.012, ᾱ_t = Π_{i≤t}(1 − β_i)).
 * A VP-noised x_t = √ᾱ_t x + √(1 − ᾱ_t) ε is the EDM point x + σ_t ε scaled by √ᾱ_t, with σ_t = √((1 − ᾱ_t)/ᾱ_t),
 * so the teacher's ε-prediction at t is (x_σ − D(x_σ; σ_t))/σ_t with the same ε.
 *
 * <p>t ~ U{t_min, …, t_max} with t_min = 0.02 T, t_max = 0.98 T (the paper's min/max step percent). ASD's later time
 * (ScaleDreamer Eq. 9, the code's {@code get_t_plus}): t⁺ = t + ⌊η (t − t_min) u⌋, u ~ U(0, 1), capped at T − 1.
 */
public final class DiffusionTimes {
    public static final int T = 1000;
    private static final double BETA_START = 0.00085;
    private static final double BETA_END = 0.012;
    private static final double[] ALPHA_BAR = alphaBar();

    private final int tMin;
    private final int tMax;
    private final double eta;

    /**
     * @param minFraction t_min / T
     * @param maxFraction t_max / T
     * @param eta η, the largest shift of t⁺ as a fraction of t − t_min (0: t⁺ = t)
     */
    public DiffusionTimes(double minFraction, double maxFraction, double eta) {
        if (!(minFraction > 0 && minFraction < maxFraction && maxFraction < 1) || !(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("diffusion times need 0 < t_min < t_max < 1 (as fractions of T) and"
                    + " 0 ≤ η ≤ 1, got " + minFraction + ", " + maxFraction + ", " + eta);
        }
        tMin = (int) (T * minFraction);
        tMax = (int) (T * maxFraction);
        this.eta = eta;
    }

    private static double[] alphaBar() {
        double[] out = new double[T];
        double product = 1;
        double a = Math.sqrt(BETA_START);
        double b = Math.sqrt(BETA_END);
        for (int i = 0; i < T; i++) {
            double root = a + (b - a) * i / (T - 1);
            product *= 1 - root * root;
            out[i] = product;
        }
        return out;
    }

    /** ᾱ_t. */
    public static double alphaBar(int t) {
        return ALPHA_BAR[t];
    }

    /** σ_t = √((1 − ᾱ_t)/ᾱ_t), the EDM noise level of time t. */
    public static double sigma(int t) {
        return Math.sqrt((1 - ALPHA_BAR[t]) / ALPHA_BAR[t]);
    }

    /** DreamFusion's weight w(t) = 1 − ᾱ_t (the code's "sds" weighting, also ScaleDreamer's). */
    public static double weight(int t) {
        return 1 - ALPHA_BAR[t];
    }

    public int sample(Random random) {
        return tMin + random.nextInt(tMax - tMin + 1);
    }

    /** t⁺ for ASD's second prediction; t itself when η = 0. */
    public int later(int t, Random random) {
        double shift = Math.min(eta * (t - tMin), T - t - 1) * random.nextDouble();
        return Math.max(1, Math.min(T - 1, t + (int) shift));
    }
}
