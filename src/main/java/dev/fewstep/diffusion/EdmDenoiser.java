package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.UNet;

/**
 * The EDM preconditioning (Karras et al. 2022, Table 1, Eq. 7):
 * D(x; sigma) = c_skip(sigma) x + c_out(sigma) F(c_in(sigma) x; c_noise(sigma)), with
 * c_skip = sigma_data^2 / (sigma^2 + sigma_data^2), c_out = sigma sigma_data / sqrt(sigma^2 + sigma_data^2),
 * c_in = 1 / sqrt(sigma^2 + sigma_data^2), c_noise = ln(sigma) / 4.
 * The network sees unit-variance inputs and targets at every noise level.
 *
 * <p>With {@code sigmaMin} &gt; 0 it is a consistency model's parametrisation (Song et al. 2023, "Consistency Models",
 * Eq. 5 and Appendix C): c_skip = sigma_data^2 / ((sigma - sigma_min)^2 + sigma_data^2) and c_out = sigma_data (sigma -
 * sigma_min) / sqrt(sigma^2 + sigma_data^2), so that D(x; sigma_min) = x exactly, with EDM's c_in and c_noise: a
 * network taken from an EDM teacher starts as that teacher's denoiser wherever sigma &gt;&gt; sigma_min.
 */
public final class EdmDenoiser implements Denoiser {
    public static final double SIGMA_DATA = 0.5;

    private final UNet network;
    private final double sigmaData;
    private final double sigmaMin;

    public EdmDenoiser(UNet network) {
        this(network, SIGMA_DATA, 0);
    }

    /** @param sigmaMin 0 for EDM; a consistency model's smallest level, where it returns its input */
    public EdmDenoiser(UNet network, double sigmaData, double sigmaMin) {
        this.network = network;
        this.sigmaData = sigmaData;
        this.sigmaMin = sigmaMin;
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
        return denoise(x, sigma, conditioning,
                (input, cNoise, text, isNull) -> network.apply(input, cNoise, text, isNull, conditioning.camera()));
    }

    /** A raw network F(c_in x; c_noise, prompt) other than this denoiser's own, e.g. one with a ControlNet. */
    @FunctionalInterface
    public interface RawNetwork {
        NDArray apply(NDArray scaledInput, NDArray cNoise, NDArray textEmbedding, NDArray isNull);
    }

    /** D(x; sigma) with this denoiser's preconditioning around {@code f} instead of its own network. */
    public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning, RawNetwork f) {
        Preconditioning p = new Preconditioning(sigma);
        return p.output(x, f.apply(x.mul(p.cIn), p.cNoise, conditioning.textEmbedding(), conditioning.isNull()));
    }

    /** D(x; sigma) and the discriminator logits of F's encoder at the same input, from one pass (SiDA). */
    public record DenoisedWithLogits(NDArray denoised, NDArray logits) {}

    public DenoisedWithLogits denoiseWithLogits(NDArray x, NDArray sigma, Conditioning conditioning) {
        Preconditioning p = new Preconditioning(sigma);
        UNet.OutputWithLogits f = network.applyWithLogits(x.mul(p.cIn), p.cNoise, conditioning.textEmbedding(),
                conditioning.isNull());
        return new DenoisedWithLogits(p.output(x, f.output()), f.logits());
    }

    /** Only the encoder logits of F(c_in x; c_noise) ({@link UNet#encoderLogits}); the decoder is not run. */
    public NDArray logits(NDArray x, NDArray sigma, Conditioning conditioning) {
        Preconditioning p = new Preconditioning(sigma);
        return network.encoderLogits(x.mul(p.cIn), p.cNoise, conditioning.textEmbedding(), conditioning.isNull());
    }

    /** c_skip, c_out, c_in (broadcast over images) and c_noise for a batch of noise levels. */
    private final class Preconditioning {
        final NDArray cSkip;
        final NDArray cOut;
        final NDArray cIn;
        final NDArray cNoise;

        Preconditioning(NDArray sigma) {
            NDArray s = sigma.reshape(-1, 1, 1, 1);
            NDArray total = s.square().add(sigmaData * sigmaData);
            NDArray fromMin = sigmaMin == 0 ? s : s.sub(sigmaMin);
            cSkip = (sigmaMin == 0 ? total : fromMin.square().add(sigmaData * sigmaData)).pow(-1).mul(sigmaData * sigmaData);
            cOut = fromMin.mul(sigmaData).div(total.sqrt());
            cIn = total.sqrt().pow(-1);
            cNoise = sigma.log().div(4);
        }

        NDArray output(NDArray x, NDArray f) {
            return x.mul(cSkip).add(f.mul(cOut));
        }
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
