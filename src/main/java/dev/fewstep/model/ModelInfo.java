package dev.fewstep.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.nn.UNetConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model file says about itself, kept in the safetensors {@code __metadata__}.
 *
 * @param kind "teacher" (a denoiser, sampled with a sampler) or a distilled kind such as "sid" ({@link ModelKinds})
 * @param dataset the data it was trained on, or its teacher's data
 * @param config the network's shape (null only in the training state of a method without a U-Net)
 * @param step training steps or distillation iterations done
 * @param prompts the vocabulary of its data (class or emoji names)
 * @param sigmas for a distilled student, the noise levels it evaluates its network at, in order (one for a one-step
 *     generator: the level its input noise is scaled to); empty for a teacher
 * @param extra anything else worth keeping: the training settings, the teacher's name, measured scores
 */
public record ModelInfo(
        String kind, String dataset, UNetConfig config, long step, List<String> prompts, List<Double> sigmas,
        Map<String, String> extra) {
    public static final String TEACHER = "teacher";
    public static final String SID = "sid";
    /** Extra entries naming the generated images' shape when it is not the network's. */
    public static final String IMAGE_SIZE = "image_size";
    public static final String IMAGE_CHANNELS = "image_channels";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kind's entry in the registry: its role and how its generator is built. */
    public ModelKind modelKind() {
        return ModelKinds.of(kind);
    }

    /**
     * Side of the images the model's generator returns: its network's, unless the info names another
     * ({@value #IMAGE_SIZE}: a latent model's network works on latents and its generator decodes them).
     */
    public int imageSize() {
        return extra.containsKey(IMAGE_SIZE) ? Integer.parseInt(extra.get(IMAGE_SIZE)) : config.imageSize();
    }

    /** Channels of the images the model's generator returns, as {@link #imageSize()}. */
    public int imageChannels() {
        return extra.containsKey(IMAGE_CHANNELS) ? Integer.parseInt(extra.get(IMAGE_CHANNELS)) : config.imageChannels();
    }

    public ModelInfo withStep(long newStep) {
        return new ModelInfo(kind, dataset, config, newStep, prompts, sigmas, extra);
    }

    public ModelInfo withExtra(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(extra);
        more.put(key, value);
        return new ModelInfo(kind, dataset, config, step, prompts, sigmas, more);
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            m.put("format", "fewstep-1");
            m.put("kind", kind);
            m.put("dataset", dataset);
            m.put("config", JSON.writeValueAsString(config));
            m.put("step", Long.toString(step));
            m.put("prompts", JSON.writeValueAsString(prompts));
            m.put("sigmas", JSON.writeValueAsString(sigmas));
            m.put("extra", JSON.writeValueAsString(extra));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    public static ModelInfo fromMetadata(Map<String, String> m, String source) {
        if (!"fewstep-1".equals(m.get("format"))) {
            throw new CheckpointException(source + " is not a fewstep model (its metadata lacks format=fewstep-1)");
        }
        try {
            return new ModelInfo(
                    m.get("kind"),
                    m.get("dataset"),
                    config(m),
                    Long.parseLong(m.get("step")),
                    JSON.readValue(m.get("prompts"), new TypeReference<List<String>>() {}),
                    sigmas(m),
                    JSON.readValue(m.get("extra"), new TypeReference<Map<String, String>>() {}));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CheckpointException(source + " has corrupt fewstep metadata: " + e.getMessage(), e);
        }
    }

    /** The network's shape; null ("config": "null") in the training state of a method without a U-Net (an autoencoder). */
    private static UNetConfig config(Map<String, String> m) throws JsonProcessingException {
        if ("null".equals(m.get("config"))) {
            return null;
        }
        return JSON.readValue(m.get("config"), UNetConfig.class).validated();
    }

    /** Files written before multi-step students name one level, {@code sigma_init}, which is 0 for a teacher. */
    private static List<Double> sigmas(Map<String, String> m) throws JsonProcessingException {
        if (m.containsKey("sigmas")) {
            return JSON.readValue(m.get("sigmas"), new TypeReference<List<Double>>() {});
        }
        double sigmaInit = Double.parseDouble(m.get("sigma_init"));
        return sigmaInit > 0 ? List.of(sigmaInit) : List.of();
    }
}
