package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.UNet;

/**
 * The EDM preconditioning (Karras et al. 2022, Table 1, Eq. 7):
 * D(x; sigma) = c_skip(sigma) x + c_out(sigma) F(c_in(sigma) x; c_noise(sigma)), with
 * c_skip = sigma_data^2 / (sigma^2 + sigma_data^2), c_out = sigma sigma_data / sqrt(sigma^2 + sigma_data^2),
 * c_in = 1 / sqrt(sigma^2 + sigma_data^2), c_noise = ln(sigma) / 4.
 * The network sees unit-variance inputs and targets at every noise level.
 */
public final class EdmDenoiser implements Denoiser {
    public static final double SIGMA_DATA = 0.5;

    private final UNet network;
    private final double sigmaData;

    public EdmDenoiser(UNet network) {
        this(network, SIGMA_DATA);
    }

    public EdmDenoiser(UNet network, double sigmaData) {
        this.network = network;
        this.sigmaData = sigmaData;
    }

    public UNet network() {
        return network;
    }

    public double sigmaData() {
        return sigmaData;
    }

    public static double cSkip(double sigma, double sigmaData) {
        return sigmaData * sigmaData / (sigma * sigma + sigmaData * sigmaData);
    }

    public static double cOut(double sigma, double sigmaData) {
        return sigma * sigmaData / Math.sqrt(sigma * sigma + sigmaData * sigmaData);
    }

    public static double cIn(double sigma, double sigmaData) {
        return 1 / Math.sqrt(sigma * sigma + sigmaData * sigmaData);
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
        NDArray s = sigma.reshape(-1, 1, 1, 1);
        NDArray total = s.square().add(sigmaData * sigmaData);
        NDArray cSkip = total.pow(-1).mul(sigmaData * sigmaData);
        NDArray cOut = s.mul(sigmaData).div(total.sqrt());
        NDArray cIn = total.sqrt().pow(-1);
        NDArray cNoise = sigma.log().div(4);
        NDArray f = network.apply(x.mul(cIn), cNoise, conditioning.textEmbedding(), conditioning.isNull());
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
