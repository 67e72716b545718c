package dev.fewstep.adaptive;

import dev.fewstep.generate.Budget;
import dev.fewstep.sample.Sampler;
import java.util.Locale;

/**
 * One choice a policy can make for a prompt: a model and the budget it runs with. Written as a spec: a sampler of
 * the teacher with its steps ("dpmpp2m:4", "heun:18"), or the name of a distilled model ("fashion-sida"), which
 * brings its own steps.
 *
 * @param spec the text it was parsed from, its name in tables and reports
 * @param model the model it runs: the teacher for sampler specs, else the named model
 * @param budget the teacher's sampler, steps and guidance scale; for a named model, its own (ignored) defaults
 */
public record Action(String spec, String model, Budget budget) {
    /** The teachers' sampling guidance scale, as {@code generate} uses by default. */
    public static final double CFG = 2.0;

    /**
     * @param teacher the model a sampler spec runs on
     * @throws IllegalArgumentException naming the accepted forms when the spec is neither
     */
    public static Action parse(String spec, String teacher) {
        String text = spec == null ? "" : spec.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty action; write SAMPLER:STEPS (e.g. dpmpp2m:4) or a model name");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new Action(text, text, new Budget("euler", 1, 1.0));
        }
        String sampler = text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!Sampler.NAMES.contains(sampler)) {
            throw new IllegalArgumentException("unknown action '" + text + "': unknown sampler '" + sampler
                    + "' (choose one of: " + String.join(", ", Sampler.NAMES) + ")");
        }
        int steps;
        try {
            steps = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown action '" + text + "': steps must be a whole number, as in "
                    + sampler + ":4");
        }
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("action '" + text + "': steps must be between 1 and 1000");
        }
        return new Action(sampler + ":" + steps, teacher, new Budget(sampler, steps, CFG));
    }

    /** Whether it runs the teacher with a sampler (rather than a distilled model). */
    public boolean sampled() {
        return spec.contains(":");
    }
}
