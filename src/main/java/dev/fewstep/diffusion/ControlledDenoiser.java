package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.ControlAdapter;
import dev.fewstep.nn.UNet;

/**
 * A frozen EDM denoiser steered by a {@link ControlAdapter} and one batch of condition images:
 * D(x; sigma, c) = c_skip x + c_out F(c_in x; c_noise, c), F the frozen network with the adapter's residuals. Only the
 * network's input is scaled by c_in (Karras et al. 2022, Eq. 7): the condition is a clean image, not a noisy one, so it
 * enters the adapter as it is, at every noise level.
 */
public final class ControlledDenoiser implements Denoiser {
    private final EdmDenoiser frozen;
    private final ControlAdapter adapter;
    private final NDArray condition;

    /** @param condition (B, adapter's condition channels, H, W), one per image of each batch denoised */
    public ControlledDenoiser(EdmDenoiser frozen, ControlAdapter adapter, NDArray condition) {
        this.frozen = frozen;
        this.adapter = adapter;
        this.condition = condition;
    }

    @Override
    public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
        if (x.getShape().get(0) != condition.getShape().get(0)) {
            throw new IllegalArgumentException("a batch of " + x.getShape().get(0) + " images with "
                    + condition.getShape().get(0) + " conditions");
        }
        UNet network = frozen.network();
        return frozen.denoise(x, sigma, conditioning, (scaled, cNoise, text, isNull) -> network.apply(scaled, cNoise,
                text, isNull, adapter.residuals(scaled, cNoise, text, isNull, condition)));
    }

    @Override
    public int imageChannels() {
        return frozen.imageChannels();
    }

    @Override
    public int imageSize() {
        return frozen.imageSize();
    }
}
