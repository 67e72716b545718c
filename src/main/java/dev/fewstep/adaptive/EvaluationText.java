package dev.fewstep.adaptive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A policy evaluation as the lines a command prints. */
public final class EvaluationText {
    private EvaluationText() {}

    public static List<String> lines(PolicyEvaluation e) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "held-out samples: n = %d (prompts never trained on, seeds 0..%d)",
                e.policy().n(), e.policy().n() - 1));
        out.add(String.format(Locale.ROOT, "%-44s %8s %8s %16s %8s %8s", "", "mean NFE", "FID", "prompt score ± s.e.",
                "s(x)", "realism"));
        out.add(row(e.policy()));
        for (MixScore f : e.fixed()) {
            out.add(row(f));
        }
        out.add(row(e.random()));
        StringBuilder histogram = new StringBuilder("actions chosen:");
        for (Map.Entry<String, Integer> h : e.histogram().entrySet()) {
            histogram.append(' ').append(h.getKey()).append(' ').append(h.getValue());
        }
        out.add(histogram.toString());
        StringBuilder groups = new StringBuilder("mean NFE per prompt group:");
        e.nfeByClass().forEach((c, n) -> groups.append(String.format(Locale.ROOT, " %s %.2f;", c, n)));
        out.add(groups.toString());
        if (e.cheapestMatch() == null) {
            out.add("no fixed action reaches the policy's quality (FID within 2 % and prompt score within one s.e.)");
        } else {
            out.add(String.format(Locale.ROOT, "cheapest fixed action of the same quality: %s (%.0f NFE); policy/fixed NFE = %.3f (target <= 0.6)",
                    e.cheapestMatch().name(), e.cheapestMatch().meanNfe(), e.nfeRatio()));
        }
        out.add(String.format(Locale.ROOT, "random assignment of the same actions: the policy has lower FID and higher prompt score in %d of %d draws",
                e.randomBeaten(), e.randomDraws()));
        out.add(String.format(Locale.ROOT, "policy time per prompt: %.1f µs (mean over %d prompts, embedding given)",
                e.microsPerChoice(), e.policy().n()));
        return out;
    }

    private static String row(MixScore s) {
        return String.format(Locale.ROOT, "%-44s %8.2f %8.2f %9.3f ± %.3f %8.3f %8.3f", s.name(), s.meanNfe(), s.fid(),
                s.score(), s.scoreStandardError(), s.probability(), s.realism());
    }
}
