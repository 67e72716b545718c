package dev.fewstep.nn.lora;

/**
 * Where adapters sit and how large they are.
 *
 * @param rank r, the inner dimension of B A
 * @param alpha α: the update is scaled by α/r, so changing r does not change the initial step size (Hu et al. 2021,
 *     Section 4.1)
 * @param convolutions also adapt the 3×3 convolutions (residual blocks, input and output); by default only the
 *     dense layers and the 1×1 convolutions (the attention projections and the residual blocks' skips) get adapters
 */
public record LoraConfig(int rank, double alpha, boolean convolutions) {
    /** Rank 4 with α = r: the update enters at scale 1. */
    public static final LoraConfig DEFAULTS = new LoraConfig(4, 4, false);

    public LoraConfig {
        if (rank < 1 || rank > 256) {
            throw new IllegalArgumentException("--lora-rank must be between 1 and 256, got " + rank);
        }
        if (!(alpha > 0 && alpha <= 4096)) {
            throw new IllegalArgumentException("--lora-alpha must be positive (up to 4096), got " + alpha);
        }
    }

    /** Whether a layer with this kernel (0: dense) gets an adapter. */
    boolean adapts(int kernel) {
        return kernel <= 1 || convolutions;
    }
}
