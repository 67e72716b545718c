package dev.fewstep.distill.consistency;

import ai.djl.ndarray.NDArray;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.nn.UNet;

/**
 * A consistency model's parametrisation (Song et al. 2023, "Consistency Models", Eq. 5 and Appendix C):
 * f(x, sigma) = c_skip(sigma) x + c_out(sigma) F(c_in(sigma) x; c_noise(sigma)) with the boundary scalings
 * c_skip = sigma_d^2 / ((sigma - sigma_min)^2 + sigma_d^2) and c_out = sigma_d (sigma - sigma_min) / sqrt(sigma^2 +
 * sigma_d^2), so that f(x, sigma_min) = x exactly. c_in and c_noise are EDM's (1 / sqrt(sigma^2 + sigma_d^2), ln(sigma)
 * / 4), so a network F taken from an EDM teacher starts as that teacher's denoiser wherever sigma >> sigma_min.
 */
public final class ConsistencyFunction implements Denoiser {
    public static final double SIGMA_DATA = 0.5;
    public static final double SIGMA_MIN = 0.002;

    private final UNet network;

    public ConsistencyFunction(UNet network) {
        this.network = network;
    }

    public UNet network() {
        return network;
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
        double d2 = SIGMA_DATA * SIGMA_DATA;
        NDArray s = sigma.reshape(-1, 1, 1, 1);
        NDArray total = s.square().add(d2);
        NDArray fromMin = s.sub(SIGMA_MIN);
        NDArray cSkip = fromMin.square().add(d2).pow(-1).mul(d2);
        NDArray cOut = fromMin.mul(SIGMA_DATA).div(total.sqrt());
        NDArray cIn = total.sqrt().pow(-1);
        NDArray f = network.apply(x.mul(cIn), sigma.log().div(4), conditioning.textEmbedding(), conditioning.isNull());
        return x.mul(cSkip).add(f.mul(cOut));
    }

    @Override
    public int imageChannels() {
        return network.config().imageChannels();
    }

    @Override
    public int imageSize() {
        return network.config().imageSize();
    }
}
