package dev.fewstep.metrics.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a feature network's file says about itself, kept in the safetensors {@code __metadata__}.
 *
 * @param kind {@link ImageClassifier#KIND} or {@link ImageTextEncoder#KIND}
 * @param dataset the data it was trained on, which is also the data whose generators it measures
 * @param config the image encoder's shape
 * @param prompts the classes (classifier) or all names (clip) of its dataset
 * @param embeddingDim for clip, the shared image-text space's dimension; 0 for classifiers
 * @param extra the training settings and measured accuracies
 */
public record FeatureInfo(
        String kind, String dataset, EncoderConfig config, List<String> prompts, int embeddingDim,
        Map<String, String> extra) {
    public static final String FORMAT = "fewstep-features-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public FeatureInfo {
        if (!kind.equals(ImageClassifier.KIND) && !kind.equals(ImageTextEncoder.KIND)
                && !kind.equals(dev.fewstep.threed.SceneClassifier.KIND)) {
            throw new IllegalArgumentException("unknown feature network kind '" + kind + "'");
        }
        prompts = List.copyOf(prompts);
        extra = Map.copyOf(extra);
    }

    public FeatureInfo withExtra(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(extra);
        merged.putAll(more);
        return new FeatureInfo(kind, dataset, config, prompts, embeddingDim, merged);
    }

    /** Builds an untrained network of this shape. */
    public FeatureNetwork newNetwork() {
        if (kind.equals(dev.fewstep.threed.SceneClassifier.KIND)) {
            return new dev.fewstep.threed.SceneClassifier(config);
        }
        return kind.equals(ImageClassifier.KIND)
                ? new ImageClassifier(config, prompts)
                : new ImageTextEncoder(config, embeddingDim);
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            m.put("format", FORMAT);
            m.put("kind", kind);
            m.put("dataset", dataset);
            m.put("config", JSON.writeValueAsString(config));
            m.put("prompts", JSON.writeValueAsString(prompts));
            m.put("embedding_dim", Integer.toString(embeddingDim));
            m.put("extra", JSON.writeValueAsString(new java.util.TreeMap<>(extra)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    public static FeatureInfo fromMetadata(Map<String, String> m, String source) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new CheckpointException(source + " is not a fewstep feature network (its metadata lacks format=" + FORMAT + ")");
        }
        try {
            return new FeatureInfo(
                    m.get("kind"),
                    m.get("dataset"),
                    JSON.readValue(m.get("config"), EncoderConfig.class),
                    JSON.readValue(m.get("prompts"), new TypeReference<List<String>>() {}),
                    Integer.parseInt(m.get("embedding_dim")),
                    JSON.readValue(m.get("extra"), new TypeReference<Map<String, String>>() {}));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CheckpointException(source + " has corrupt feature-network metadata: " + e.getMessage(), e);
        }
    }
}
