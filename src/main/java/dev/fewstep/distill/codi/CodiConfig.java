package dev.fewstep.distill.codi;

import dev.fewstep.distill.consistency.ConsistencyConfig;
import dev.fewstep.io.Json;

/**
 * Hyper-parameters of CoDi (Mei et al. 2024): the conditional consistency distillation's (levels, the teacher's
 * step and its guidance, the distance, the target's decay, Adam, averages, batch, iterations) and CoDi's own. Stored as
 * JSON in the student's metadata ({@code extra.codi}).
 *
 * @param consistency the consistency distillation's settings, as {@code distill consistency} takes them
 * @param cleanWeight lambda of the clean-image term d(f_theta(x_t, t, c), x_0): paired conditional data have the
 *     image the condition came from
 * @param parameterEfficient PE-CoDi: only the adapter trains; the backbone stays the teacher's, shared across tasks
 */
public record CodiConfig(ConsistencyConfig consistency, double cleanWeight, boolean parameterEfficient) {

    public static final CodiConfig DEFAULTS = new CodiConfig(ConsistencyConfig.DEFAULTS, 1.0, false);

    public CodiConfig validated() {
        consistency.validated();
        if (!(cleanWeight >= 0 && cleanWeight <= 100)) {
            throw new IllegalArgumentException("--clean-weight must be between 0 and 100");
        }
        return this;
    }

    public String toJson() {
        return Json.write(this);
    }

    public static CodiConfig fromJson(String json, String source) {
        return Json.read(json, CodiConfig.class, source, "CoDi settings");
    }
}
