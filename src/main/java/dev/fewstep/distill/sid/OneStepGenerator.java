package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.nn.UNet;

/**
 * G_theta: one evaluation of an EDM denoiser at the fixed noise level sigma_init on noise scaled to that level,
 * G(z) = D_theta(sigma_init z; sigma_init, prompt), as in SiD's code and in {@code Generation} for models of kind
 * "sid". Starting from the teacher's weights, G is the teacher's one-step denoiser from sigma_init.
 */
public final class OneStepGenerator {
    private final EdmDenoiser denoiser;
    private final double sigmaInit;

    public OneStepGenerator(UNet network, double sigmaInit) {
        this.denoiser = new EdmDenoiser(network);
        this.sigmaInit = sigmaInit;
    }

    /** @param noise (B, C, H, W) unit Gaussian z */
    public NDArray generate(NDArray noise, Conditioning conditioning) {
        long batch = noise.getShape().get(0);
        NDArray sigma = noise.getManager().full(new Shape(batch), (float) sigmaInit);
        return denoiser.denoise(noise.mul(sigmaInit), sigma, conditioning);
    }

    public UNet network() {
        return denoiser.network();
    }

    public double sigmaInit() {
        return sigmaInit;
    }
}
