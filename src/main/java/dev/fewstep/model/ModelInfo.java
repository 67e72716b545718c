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
 * @param kind "teacher" (a denoiser, sampled with a sampler) or "sid" (a one-step generator)
 * @param dataset the data it was trained on, or its teacher's data
 * @param config the network's shape
 * @param step training steps or distillation iterations done
 * @param prompts the vocabulary of its data (class or emoji names)
 * @param sigmaInit for one-step generators, the noise level their input noise is scaled to
 * @param extra anything else worth keeping: the training settings, the teacher's name, measured scores
 */
public record ModelInfo(
        String kind, String dataset, UNetConfig config, long step, List<String> prompts, double sigmaInit,
        Map<String, String> extra) {
    public static final String TEACHER = "teacher";
    public static final String SID = "sid";
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean isOneStep() {
        return !kind.equals(TEACHER);
    }

    public ModelInfo withStep(long newStep) {
        return new ModelInfo(kind, dataset, config, newStep, prompts, sigmaInit, extra);
    }

    public ModelInfo withExtra(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(extra);
        more.put(key, value);
        return new ModelInfo(kind, dataset, config, step, prompts, sigmaInit, more);
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
            m.put("sigma_init", Double.toString(sigmaInit));
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
                    JSON.readValue(m.get("config"), UNetConfig.class),
                    Long.parseLong(m.get("step")),
                    JSON.readValue(m.get("prompts"), new TypeReference<List<String>>() {}),
                    Double.parseDouble(m.get("sigma_init")),
                    JSON.readValue(m.get("extra"), new TypeReference<Map<String, String>>() {}));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CheckpointException(source + " has corrupt fewstep metadata: " + e.getMessage(), e);
        }
    }
}
