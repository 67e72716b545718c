package dev.fewstep.distill.consistency;

import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.nn.UNet;

/**
 * A consistency model f_theta(x, sigma) (Song et al. 2023, Eq. 5): a network with EDM's preconditioning and the
 * boundary scalings that make f(x, sigma_min) = x ({@link EdmDenoiser} with sigma_min &gt; 0).
 */
public final class ConsistencyFunction {
    /** The smallest level, where the consistency function returns its input (EDM's sigma_min). */
    public static final double SIGMA_MIN = 0.002;

    private ConsistencyFunction() {}

    public static EdmDenoiser of(UNet network) {
        return new EdmDenoiser(network, EdmDenoiser.SIGMA_DATA, SIGMA_MIN);
    }
}
