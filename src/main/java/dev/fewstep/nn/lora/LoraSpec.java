package dev.fewstep.nn.lora;

import java.util.ArrayList;
import java.util.List;

/**
 * An adapter asked for by name with its weight, as written on the command line and in requests: {@code NAME[:WEIGHT]}
 * (weight 1 when omitted).
 */
public record LoraSpec(String name, double weight) {
    /** Weights beyond this are no adaptation any more, only noise. */
    public static final double MAX_WEIGHT = 8;

    public LoraSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a LoRA needs a name, as NAME or NAME:WEIGHT");
        }
        if (!(Math.abs(weight) <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("the weight of LoRA '" + name + "' must be between -" + MAX_WEIGHT
                    + " and " + MAX_WEIGHT + ", got " + weight);
        }
    }

    public static LoraSpec parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon < 0) {
            return new LoraSpec(trimmed, 1.0);
        }
        String weight = trimmed.substring(colon + 1);
        try {
            return new LoraSpec(trimmed.substring(0, colon), Double.parseDouble(weight));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LoRA '" + trimmed + "': the weight after ':' must be a number, got '"
                    + weight + "'");
        }
    }

    public static List<LoraSpec> parseAll(List<String> texts) {
        List<LoraSpec> out = new ArrayList<>();
        if (texts != null) {
            texts.forEach(t -> out.add(parse(t)));
        }
        return out;
    }

    @Override
    public String toString() {
        return name + ":" + weight;
    }
}
