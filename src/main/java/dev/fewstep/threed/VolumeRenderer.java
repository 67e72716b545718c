package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.NativeMemory;

/**
 * Emission–absorption volume rendering (Max 1995, as in NeRF, Mildenhall et al. 2020, eq. 3) of S samples along each
 * ray: with densities σ_i ≥ 0 and spacings δ_i,
 * α_i = 1 − exp(−σ_i δ_i), T_i = exp(−Σ_{j<i} σ_j δ_j), w_i = T_i α_i, C = Σ_i w_i c_i + (1 − Σ_i w_i) c_bg.
 * The weights telescope, Σ_i w_i = 1 − exp(−Σ_i σ_i δ_i) ≤ 1: the rest of the light is the background's.
 */
public final class VolumeRenderer {
    private VolumeRenderer() {}

    /**
     * @param weights w_i, (…, S)
     * @param rgb the composited colour, (…, 3)
     * @param opacity Σ_i w_i, (…)
     */
    public record Result(NDArray weights, NDArray rgb, NDArray opacity) {
        /** The colours of {@link RaySamples}' rays, (B, size², 3) in row-major pixel order, as images (B, 3, size, size). */
        public NDArray images(int size) {
            return rgb.transpose(0, 2, 1).reshape(rgb.getShape().get(0), 3, size, size);
        }
    }

    /**
     * @param sigma densities σ ≥ 0, (…, S)
     * @param colour colours c in [0, 1], (…, S, 3)
     * @param delta spacings δ, broadcastable to sigma
     * @param background c_bg, e.g. {@link SdfRenderer#BACKGROUND}
     */
    public static Result render(NDArray sigma, NDArray colour, NDArray delta, double background) {
        int samples = sigma.getShape().dimension() - 1;
        NDArray opticalDepth = sigma.mul(delta);
        NDArray before = opticalDepth.cumSum(samples).sub(opticalDepth); // Σ_{j<i} σ_j δ_j
        NDArray transmittance = before.neg().exp();
        NDArray alpha = NativeMemory.plus(opticalDepth.neg().exp().neg(), 1);
        NDArray weights = transmittance.mul(alpha);
        NDArray opacity = weights.sum(new int[] {samples});
        NDArray rgb = weights.expandDims(-1).mul(colour).sum(new int[] {samples})
                .add(NativeMemory.times(NativeMemory.plus(opacity.neg(), 1), background).expandDims(-1));
        return new Result(weights, rgb, opacity);
    }
}
