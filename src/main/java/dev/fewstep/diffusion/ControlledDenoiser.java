package dev.fewstep.diffusion;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.ControlAdapter;
import dev.fewstep.nn.UNet;

/**
 * A frozen EDM denoiser steered by a {@link ControlAdapter} and the condition images the {@link Conditioning} carries:
 * D(x; sigma, c) = c_skip x + c_out F(c_in x; c_noise, c), F the frozen network with the adapter's residuals. Only the
 * network's input is scaled by c_in (Karras et al. 2022, Eq. 7): the condition is a clean image, not a noisy one, so it
 * enters the adapter as it is, at every noise level.
 */
public final class ControlledDenoiser implements Denoiser {
    private final EdmDenoiser frozen;
    private final ControlAdapter adapter;

    public ControlledDenoiser(EdmDenoiser frozen, ControlAdapter adapter) {
        this.frozen = frozen;
        this.adapter = adapter;
    }

    public ControlAdapter adapter() {
        return adapter;
    }

    public EdmDenoiser frozen() {
        return frozen;
    }

    /** @throws IllegalArgumentException without a condition per image of the conditioning's control shape */
    @Override
    public NDArray denoise(NDArray x, NDArray sigma, Conditioning conditioning) {
        NDArray condition = conditioning.control();
        if (condition == null) {
            throw new IllegalArgumentException("this model needs a condition image (" + adapter.conditionChannels()
                    + " channels) for every image it generates");
        }
        if (!condition.getShape().equals(adapter.conditionShape(x.getShape().get(0)))) {
            throw new IllegalArgumentException("a batch of " + x.getShape().get(0) + " images needs conditions of shape "
                    + adapter.conditionShape(x.getShape().get(0)) + ", not " + condition.getShape());
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
