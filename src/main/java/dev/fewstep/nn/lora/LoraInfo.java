package dev.fewstep.nn.lora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an adapter file says about itself, in its safetensors {@code __metadata__}: the base model it was trained on
 * (name and the SHA-256 of its {@code model.safetensors}, which is checked before it is applied), its shape, and how it
 * was made.
 *
 * @param base the base model's name when the adapter was trained
 * @param baseSha256 SHA-256 (hex) of the base model's weights file
 * @param dataset the data it was trained on, e.g. "emoji/google"
 * @param step training steps done
 * @param extra the training settings, time, loss
 * @param modelKind the model kind its base becomes once it is applied ("cd": a consistency LoRA, Luo et al. 2023,
 *     "LCM-LoRA", turns a teacher into a consistency model sampled in 1 to 4 steps), or null: the base's own kind
 */
public record LoraInfo(String base, String baseSha256, LoraConfig config, String dataset, long step,
        Map<String, String> extra, String modelKind) {
    public static final String FORMAT = "fewstep-lora-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An adapter that keeps its base's kind (a style or content LoRA). */
    public LoraInfo(String base, String baseSha256, LoraConfig config, String dataset, long step,
            Map<String, String> extra) {
        this(base, baseSha256, config, dataset, step, extra, null);
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            m.put("format", FORMAT);
            m.put("base", base);
            m.put("base_sha256", baseSha256);
            m.put("rank", Integer.toString(config.rank()));
            m.put("alpha", Double.toString(config.alpha()));
            m.put("convolutions", Boolean.toString(config.convolutions()));
            m.put("dataset", dataset);
            m.put("step", Long.toString(step));
            m.put("extra", JSON.writeValueAsString(extra));
            if (modelKind != null) {
                m.put("model_kind", modelKind);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    public static LoraInfo fromMetadata(Map<String, String> m, String source) {
        if (!FORMAT.equals(m.get("format"))) {
            throw new CheckpointException(source + " is not a fewstep LoRA (its metadata lacks format=" + FORMAT + ")");
        }
        try {
            String sha = m.get("base_sha256");
            if (sha == null || !sha.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("base_sha256 is not a SHA-256: " + sha);
            }
            return new LoraInfo(required(m, "base"), sha,
                    new LoraConfig(Integer.parseInt(required(m, "rank")), Double.parseDouble(required(m, "alpha")),
                            Boolean.parseBoolean(m.get("convolutions"))),
                    required(m, "dataset"), Long.parseLong(required(m, "step")),
                    JSON.readValue(m.getOrDefault("extra", "{}"), new TypeReference<Map<String, String>>() {}),
                    m.get("model_kind"));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CheckpointException(source + " has corrupt LoRA metadata: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> m, String key) {
        String value = m.get(key);
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value;
    }
}
