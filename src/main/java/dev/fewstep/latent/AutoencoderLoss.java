package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.fewstep.nn.NativeMemory;

/**
 * The autoencoder's objective: L = |x − x̃|₁ + λ_edge L_edge + β KL(q(z | x) || N(0, I)), each term a mean over its
 * elements. LDM (Rombach et al. 2022, Appendix G) trains with L1, a perceptual (LPIPS) term, a patch discriminator
 * and a KL weight of 10⁻⁶ on summed terms; at 64x64 on a CPU this keeps the L1 and replaces the two others by an edge
 * term, the L1 distance between the images' horizontal and vertical finite differences, which keeps outlines sharp
 * where plain L1 blurs them. β only keeps the latent's scale from drifting: the diffusion model rescales it anyway.
 *
 * @param edgeWeight λ_edge
 * @param klWeight β, per latent element (on means, not sums)
 */
public record AutoencoderLoss(double edgeWeight, double klWeight) {
    public static final AutoencoderLoss DEFAULTS = new AutoencoderLoss(1.0, 1e-5);

    /** The loss and its terms, each a scalar. */
    public record Terms(NDArray total, NDArray l1, NDArray edge, NDArray kl) {}

    /**
     * @param images x, (B, C, H, W)
     * @param reconstruction x̃ = D(z), the same shape
     * @param posterior q(z | x) that z was drawn from
     */
    public Terms loss(NDArray images, NDArray reconstruction, DiagonalGaussian posterior) {
        NDArray l1 = reconstruction.sub(images).abs().mean();
        NDArray edge = edgeDistance(images, reconstruction);
        NDArray kl = posterior.kl();
        NDArray total = l1.add(NativeMemory.times(edge, edgeWeight)).add(NativeMemory.times(kl, klWeight));
        return new Terms(total, l1, edge, kl);
    }

    /** L_edge = mean |∂ₓx − ∂ₓx̃| + mean |∂ᵧx − ∂ᵧx̃|, the finite differences between neighbouring pixels. */
    static NDArray edgeDistance(NDArray images, NDArray reconstruction) {
        NDArray difference = reconstruction.sub(images);
        NDArray dx = difference.get(new NDIndex(":, :, :, 1:")).sub(difference.get(new NDIndex(":, :, :, :-1")));
        NDArray dy = difference.get(new NDIndex(":, :, 1:, :")).sub(difference.get(new NDIndex(":, :, :-1, :")));
        return dx.abs().mean().add(dy.abs().mean());
    }
}
