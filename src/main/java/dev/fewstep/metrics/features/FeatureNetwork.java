package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import dev.fewstep.nn.Layer;
import java.util.List;

/**
 * A network that maps images to a feature vector (the space FID, precision and recall are measured in) and
 * scores how well each image matches the prompt it was generated from.
 */
public abstract class FeatureNetwork extends Layer {
    protected final ConvEncoder encoder;

    protected FeatureNetwork(EncoderConfig config) {
        encoder = addChildBlock("encoder", new ConvEncoder(config));
    }

    public EncoderConfig config() {
        return encoder.config();
    }

    /** (B, C, H, W) images in [-1, 1] to (B, featureDim) penultimate features. */
    public NDArray features(NDArray images) {
        return encoder.apply(images);
    }

    @Override
    public NDArray apply(NDArray images) {
        return features(images);
    }

    /** (B) per-image agreement of {@code images} with {@code prompts} (one prompt per image). */
    public final NDArray promptScores(NDArray images, List<String> prompts) {
        return promptScoresOfFeatures(features(images), prompts);
    }

    /**
     * {@link #promptScores} from the images' {@link #features}, so that one pass of the encoder can serve FID and
     * several prompt lists.
     */
    public abstract NDArray promptScoresOfFeatures(NDArray features, List<String> prompts);

    /** What {@link #promptScores} measures, as a JSON field name: "promptAccuracy" or "alignment". */
    public abstract String scoreName();
}
