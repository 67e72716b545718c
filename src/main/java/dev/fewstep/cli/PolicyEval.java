package dev.fewstep.cli;

import dev.fewstep.adaptive.ActionSet;
import dev.fewstep.adaptive.MixScore;
import dev.fewstep.adaptive.Policy;
import dev.fewstep.adaptive.PolicyRun;
import dev.fewstep.adaptive.PolicyStore;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.References;
import dev.fewstep.metrics.features.FeatureModel;
import java.nio.file.Path;
import java.util.Locale;

/** {@code eval --policy NAME}: mean NFE and the action histogram beside FID and prompt accuracy. */
final class PolicyEval {
    private PolicyEval() {}

    static int run(String policyName, String model, EvalOptions protocol) throws Exception {
        if (model != null) {
            throw new IllegalArgumentException("--policy picks the models itself; leave out --model");
        }
        if (protocol.n < 2) {
            throw new IllegalArgumentException("--n must be at least 2");
        }
        try (Policy policy = Policy.load(PolicyStore.resolve(policyName));
                ActionSet actions = new ActionSet(policy.teacher(), policy.actions())) {
            Path featuresDir = EvalCommand.featuresDir(protocol.featuresName, actions.teacher().info().dataset());
            try (FeatureModel features = FeatureModel.load(featuresDir)) {
                ReferenceSet reference = References.loadOrBuild(features, featuresDir, m -> System.err.println("fewstep: " + m));
                PolicyRun run;
                try (Progress progress = new Progress("eval")) {
                    progress.started(0, protocol.n);
                    run = PolicyRun.of(policy, actions, features, reference.referenceStatistics(),
                            reference.referenceScore(), protocol.n, protocol.seed,
                            progress::step);
                }
                MixScore s = run.score();
                System.out.printf(Locale.ROOT, "%s: %d held-out prompts (%s), seeds %d..%d%n", s.name(), s.n(),
                        dev.fewstep.adaptive.PolicyPrompts.of(actions.teacher().info()).heldOut(),
                        protocol.seed, protocol.seed + s.n() - 1);
                System.out.printf(Locale.ROOT, "  mean NFE         %8.2f%n", s.meanNfe());
                System.out.printf(Locale.ROOT, "  actions          %s%n", run.histogram());
                System.out.printf(Locale.ROOT, "  FID              %8.2f%n", s.fid());
                System.out.printf(Locale.ROOT, "  %-16s %8.3f ± %.3f (standard error)%n", features.scoreName().equals("alignment")
                        ? "alignment" : "prompt accuracy", s.score(), s.scoreStandardError());
                System.out.printf(Locale.ROOT, "  %-16s %8.3f%n", features.scoreName().equals("alignment") ? "s(x)" : "p(c | x)",
                        s.probability());
                System.out.printf(Locale.ROOT, "  %.1f s generating, %.2f images/s%n", run.generationSeconds(),
                        s.n() / run.generationSeconds());
            }
        }
        return 0;
    }
}
