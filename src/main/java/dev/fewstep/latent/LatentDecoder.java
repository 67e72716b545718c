package dev.fewstep.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.Layer;
import dev.fewstep.nn.NativeMemory;
import java.util.Map;

/**
 * The pixels of a latent diffusion model's samples: x = D(ẑ / s), the autoencoder's decoder applied to the sampled
 * latent after undoing the scale. It is saved beside the U-Net in the model's file, its tensors named under
 * {@value #NAME}, so a latent model is one file.
 */
public final class LatentDecoder extends Layer {
    static final String NAME = "latent_decoder";
    private final AutoencoderConfig config;
    private final LatentScale scale;
    private final Decoder decoder;

    LatentDecoder(AutoencoderConfig config, LatentScale scale) {
        this.config = config;
        this.scale = scale;
        decoder = addChildBlock(NAME, new Decoder(config));
    }

    /** A decoder with {@code autoencoder}'s weights. */
    public static LatentDecoder of(Autoencoder autoencoder, LatentScale scale, NDManager manager) {
        LatentDecoder latentDecoder = create(autoencoder.config(), scale, manager);
        Weights.copy(autoencoder.decoder(), latentDecoder.decoder);
        latentDecoder.freezeParameters(true);
        return latentDecoder;
    }

    /** A decoder read from a latent model's tensors, frozen. */
    public static LatentDecoder load(AutoencoderConfig config, LatentScale scale, Map<String, Tensor> weights,
            String source, NDManager manager) {
        LatentDecoder latentDecoder = create(config, scale, manager);
        Weights.load(latentDecoder, weights, source);
        latentDecoder.freezeParameters(true);
        return latentDecoder;
    }

    private static LatentDecoder create(AutoencoderConfig config, LatentScale scale, NDManager manager) {
        LatentDecoder latentDecoder = new LatentDecoder(config, scale);
        latentDecoder.initialize(manager, DataType.FLOAT32);
        return latentDecoder;
    }

    public AutoencoderConfig config() {
        return config;
    }

    public LatentScale scale() {
        return scale;
    }

    /** @param scaledLatents (B, C, h, w) s·z; returns (B, imageChannels, imageSize, imageSize) unclipped pixels */
    @Override
    public NDArray apply(NDArray scaledLatents) {
        return decoder.apply(NativeMemory.times(scaledLatents, 1 / scale.scale()));
    }
}
