package dev.fewstep.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an image was made, as the PNG's {@code parameters} text holds it in the widely used form: the prompt (one line
 * per prompt of a grid), then one line of "Key: value" pairs, e.g.
 * {@code Sneaker\nSteps: 18, Sampler: heun, CFG scale: 2.0, Seed: 0, Model: fashion-teacher, Model hash: a9190a735f,
 * NFE: 35, Images: 16, Scale: 4, Version: fewstep 0.1.0}. {@code generate --from} reads it back.
 *
 * @param prompts one per grid row
 * @param negative the negative prompt, or null
 * @param modelHash the first 10 hex digits of the model file's SHA-256
 * @param n images per prompt; {@code seed} is the first image's, image i uses seed + i
 * @param scale the PNG's upscaling factor
 * @param loras the LoRA adapters folded into the model, as NAME:WEIGHT ({@code generate --lora}), in order
 */
public record ImageParameters(List<String> prompts, String negative, String model, String modelHash, String sampler, int steps,
        double cfg, long seed, int nfe, int n, int scale, List<String> loras) {
    public static final String KEY = "parameters";
    public static final String VERSION = "fewstep 0.1.0";
    private static final String NEGATIVE = "Negative prompt: ";
    private static final String LORA_SEPARATOR = " + ";

    /** An image of the model alone, no adapters. */
    public ImageParameters(List<String> prompts, String negative, String model, String modelHash, String sampler, int steps,
            double cfg, long seed, int nfe, int n, int scale) {
        this(prompts, negative, model, modelHash, sampler, steps, cfg, seed, nfe, n, scale, List.of());
    }

    /** The parameters of one image of this grid on its own: prompt row {@code row}, image {@code i} (seed + i), n = 1. */
    public ImageParameters ofImage(int row, int i) {
        return new ImageParameters(List.of(prompts.get(row)), negative, model, modelHash, sampler, steps, cfg, seed + i, nfe, 1,
                scale, loras);
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        prompts.forEach(prompt -> text.append(prompt).append('\n'));
        if (negative != null) {
            text.append(NEGATIVE).append(negative).append('\n');
        }
        text.append("Steps: ").append(steps).append(", Sampler: ").append(sampler).append(", CFG scale: ").append(cfg)
                .append(", Seed: ").append(seed).append(", Model: ").append(model).append(", Model hash: ").append(modelHash)
                .append(loras.isEmpty() ? "" : ", LoRA: " + String.join(LORA_SEPARATOR, loras))
                .append(", NFE: ").append(nfe).append(", Images: ").append(n).append(", Scale: ").append(scale)
                .append(", Version: ").append(VERSION);
        return text.toString();
    }

    /** @throws IllegalArgumentException if the text is not of this form */
    public static ImageParameters parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.size() < 2) {
            throw new IllegalArgumentException("the image's parameters have no prompt and settings lines");
        }
        List<String> prompts = new ArrayList<>(lines.subList(0, lines.size() - 1));
        String negative = null;
        if (prompts.get(prompts.size() - 1).startsWith(NEGATIVE)) {
            negative = prompts.remove(prompts.size() - 1).substring(NEGATIVE.length());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : lines.get(lines.size() - 1).split(", ")) {
            int colon = pair.indexOf(": ");
            if (colon < 0) {
                throw new IllegalArgumentException("the image's parameters line has no \"Key: value\" pair in \"" + pair + "\"");
            }
            fields.put(pair.substring(0, colon), pair.substring(colon + 2));
        }
        try {
            return new ImageParameters(prompts, negative, required(fields, "Model"),
                    fields.getOrDefault("Model hash", ""), required(fields, "Sampler"),
                    Integer.parseInt(required(fields, "Steps")), Double.parseDouble(required(fields, "CFG scale")),
                    Long.parseLong(required(fields, "Seed")), Integer.parseInt(fields.getOrDefault("NFE", "0")),
                    Integer.parseInt(fields.getOrDefault("Images", "1")), Integer.parseInt(fields.getOrDefault("Scale", "1")),
                    fields.containsKey("LoRA") ? List.of(fields.get("LoRA").split(java.util.regex.Pattern.quote(LORA_SEPARATOR)))
                            : List.of());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the image's parameters hold a malformed number: " + e.getMessage());
        }
    }

    private static String required(Map<String, String> fields, String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalArgumentException("the image's parameters lack \"" + key + "\"");
        }
        return value;
    }
}
