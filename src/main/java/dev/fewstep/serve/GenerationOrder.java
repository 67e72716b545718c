package dev.fewstep.serve;

import dev.fewstep.distill.codi.ConditionInput;
import dev.fewstep.generate.Control;
import dev.fewstep.generate.ImageInput;
import dev.fewstep.model.DiffusionModel;
import java.awt.image.BufferedImage;
import java.util.Base64;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.nn.lora.LoraSpec;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A parsed {@code POST /v1/generate} body: which model, what to generate, how large to encode it. Parsing is strict
 * so that every mistake comes back as a 400 naming the field, instead of a silent default or a 500: unknown fields,
 * wrong JSON types, fractional counts and out-of-range values are all refused.
 *
 * @param model the model's name
 * @param request the validated generation request (seed filled in when the client gave none)
 * @param scale the nearest-neighbour upscale factor of the returned PNGs
 * @param condition a conditional model's input image (sent as base64), or null
 * @param mask an inpainting model's mask (white = fill, base64), or null
 * @param loras LoRA adapters folded into the model ({@code "lora": ["name:weight", …]}), empty for none
 */
public record GenerationOrder(String model, GenerateRequest request, int scale, BufferedImage condition,
        BufferedImage mask, List<LoraSpec> loras) {
    public static final String DEFAULT_SAMPLER = "heun";
    /** Heun with 18 steps spends 35 network evaluations: the EDM paper's setting for 32x32 images. */
    public static final int DEFAULT_STEPS = 18;
    public static final double DEFAULT_CFG = 2.0;
    public static final int DEFAULT_IMAGES = 1;
    public static final int DEFAULT_SCALE = 1;
    public static final int MAX_SCALE = 16;

    static final List<String> FIELDS = List.of("prompt", "negative", "model", "sampler", "steps", "cfg", "seed", "n", "scale",
            "condition", "mask", "policy", "lora");
    /** Adapters per request: each one merged makes a model of its own on the server. */
    static final int MAX_LORAS = 4;

    public GenerationOrder(String model, GenerateRequest request, int scale) {
        this(model, request, scale, null, null, List.of());
    }

    /**
     * The control of a conditional model, or null for an unconditional one given no images.
     *
     * @throws InvalidRequestException naming "condition" (or "mask") when the images and the model do not go together,
     *     or "model" for a view-conditioned model, which needs a camera the server does not take
     */
    public Control control(DiffusionModel loaded) {
        if (loaded.info().config() != null && loaded.info().config().cameraDim() > 0) {
            throw new InvalidRequestException("model", loaded.name() + " is view-conditioned (it draws from a camera)"
                    + " and the server takes no camera; use fewstep generate --azimuth A --elevation E");
        }
        try {
            return ConditionInput.of(loaded.name(), loaded.info(), condition, mask).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage().contains("mask") ? "mask" : "condition", e.getMessage());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * @param body the raw request body
     * @param defaultModel the model used when the body names none (asked only then: it lists the models folder)
     * @throws InvalidRequestException naming the offending field ("body" when it is not a JSON object)
     */
    public static GenerationOrder parse(String body, Supplier<Optional<String>> defaultModel) {
        JsonNode root = object(body);
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            String name = fields.next().getKey();
            if (!FIELDS.contains(name)) {
                throw new InvalidRequestException(name, "unknown field '" + name + "'; known fields: " + String.join(", ", FIELDS));
            }
        }
        return fromFields(PolicyFields.resolve(root), defaultModel);
    }

    /** The body as a JSON object, or a 400 naming "body". */
    static JsonNode object(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("body", "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("body", "the body must be a JSON object such as {\"prompt\": \"Ankle boot\"}");
        }
        return root;
    }

    /**
     * The order a JSON object's fields describe, without checking for unknown fields: the OpenAI images endpoint
     * checks those against its own list, then hands over its translated body.
     */
    static GenerationOrder fromFields(JsonNode root, Supplier<Optional<String>> defaultModel) {
        String prompt = text(root, "prompt").orElse(null);
        String model = text(root, "model").orElseGet(() -> defaultModel.get().orElseThrow(
                () -> new InvalidRequestException("model", "no models are installed on this server")));
        String sampler = text(root, "sampler").orElse(DEFAULT_SAMPLER);
        int steps = integer(root, "steps").orElse(DEFAULT_STEPS);
        double cfg = number(root, "cfg").orElse(DEFAULT_CFG);
        int n = integer(root, "n").orElse(DEFAULT_IMAGES);
        int scale = integer(root, "scale").orElse(DEFAULT_SCALE);
        long seed = seed(root).orElseGet(() -> ThreadLocalRandom.current().nextLong(1L << 31));
        if (scale < 1 || scale > MAX_SCALE) {
            throw new InvalidRequestException("scale", "scale must be between 1 and " + MAX_SCALE + ", got " + scale);
        }
        GenerateRequest request = new GenerateRequest(prompt, sampler, steps, cfg, seed, n,
                text(root, "negative").orElse(null)).validated();
        return new GenerationOrder(model, request, scale, image(root, "condition"), image(root, "mask"), loras(root));
    }

    /** A base64 PNG (a data: URL prefix allowed), decoded; null when absent. */
    private static BufferedImage image(JsonNode root, String field) {
        String text = text(root, field).orElse(null);
        if (text == null) {
            return null;
        }
        int comma = text.startsWith("data:") ? text.indexOf(',') : -1;
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(text.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, field + " must be a base64-encoded image: " + e.getMessage());
        }
        try {
            return ImageInput.read(bytes, field);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, e.getMessage());
        }
    }

    /** "lora": a list of "name" or "name:weight" strings (or one such string); names are folder names, never paths. */
    private static List<LoraSpec> loras(JsonNode root) {
        Optional<JsonNode> node = present(root, "lora");
        if (node.isEmpty()) {
            return List.of();
        }
        List<JsonNode> items = new java.util.ArrayList<>();
        if (node.get().isArray()) {
            node.get().forEach(items::add);
        } else {
            items.add(node.get());
        }
        if (items.size() > MAX_LORAS) {
            throw new InvalidRequestException("lora", "at most " + MAX_LORAS + " LoRAs per request, got " + items.size());
        }
        List<LoraSpec> specs = new java.util.ArrayList<>();
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                throw new InvalidRequestException("lora", "lora must be a list of strings \"name\" or \"name:weight\", got " + item);
            }
            LoraSpec spec;
            try {
                spec = LoraSpec.parse(item.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("lora", e.getMessage());
            }
            if (spec.name().contains("/") || spec.name().contains("\\") || spec.name().startsWith(".")) {
                throw new InvalidRequestException("lora", "a LoRA is named by its folder in the models folder, not by a path: "
                        + spec.name());
            }
            specs.add(spec);
        }
        return List.copyOf(specs);
    }

    private static Optional<JsonNode> present(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    static Optional<String> text(JsonNode root, String field) {
        return present(root, field).map(node -> {
            if (!node.isTextual()) {
                throw new InvalidRequestException(field, field + " must be a string, got " + node.getNodeType().name().toLowerCase());
            }
            return node.asText();
        });
    }

    private static Optional<Integer> integer(JsonNode root, String field) {
        return present(root, field).map(node -> {
            if (!node.isIntegralNumber()) {
                throw new InvalidRequestException(field, field + " must be a whole number, got " + node);
            }
            if (!node.canConvertToInt()) {
                throw new InvalidRequestException(field, field + " is out of range: " + node);
            }
            return node.intValue();
        });
    }

    private static Optional<Double> number(JsonNode root, String field) {
        return present(root, field).map(node -> {
            if (!node.isNumber()) {
                throw new InvalidRequestException(field, field + " must be a number, got " + node);
            }
            return node.doubleValue();
        });
    }

    private static Optional<Long> seed(JsonNode root) {
        return present(root, "seed").map(node -> {
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw new InvalidRequestException("seed", "seed must be a whole number, got " + node);
            }
            return node.longValue(); // its range is checked with the other fields, in GenerateRequest.validated()
        });
    }
}
