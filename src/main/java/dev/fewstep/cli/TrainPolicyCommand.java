package dev.fewstep.cli;

import dev.fewstep.adaptive.ActionSet;
import dev.fewstep.adaptive.Bandit;
import dev.fewstep.adaptive.EvaluationText;
import dev.fewstep.adaptive.NfeChart;
import dev.fewstep.adaptive.Policy;
import dev.fewstep.adaptive.PolicyEvaluation;
import dev.fewstep.adaptive.PolicyTraining;
import dev.fewstep.adaptive.Reward;
import dev.fewstep.io.Json;
import dev.fewstep.metrics.GaussianStatistics;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.fewstep.adaptive.PolicyPrompts;
import dev.fewstep.adaptive.QualitySetup;
import dev.fewstep.adaptive.QualityTable;
import dev.fewstep.adaptive.Realism;
import dev.fewstep.adaptive.TableBuilder;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.References;
import dev.fewstep.metrics.features.FeatureModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train-policy", description = "AdaDiff: measure every action on templated prompts (a quality table), "
        + "then train a policy that picks each prompt's action from its text embedding.")
final class TrainPolicyCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the teacher that sampler actions run on")
    String teacher;

    @Option(names = "--actions", required = true, split = ",",
            description = "actions: SAMPLER:STEPS of the teacher or a distilled model's name, e.g. fashion-sida,dpmpp2m:4,heun:18")
    List<String> actions;

    @Option(names = "--out", required = true, description = "policy folder to write")
    Path out;

    @Option(names = "--table", description = "quality table file (default: OUT/" + QualityTable.FILE + "); an existing one is extended, never regenerated")
    Path table;

    @Option(names = "--train-samples", description = "(prompt, noise) samples on training templates (default: ${DEFAULT-VALUE})")
    int trainSamples = 1000;

    @Option(names = "--eval-samples", description = "samples on held-out prompts: templates, or emoji names (default: ${DEFAULT-VALUE})")
    int evalSamples = 2000;

    @Option(names = "--chunk", description = "samples generated per batch (default: ${DEFAULT-VALUE})")
    int chunk = 40;

    @Option(names = "--table-only", description = "build the quality table and stop")
    boolean tableOnly;

    @Option(names = "--features", description = "feature network (default: the dataset's)")
    String featuresName;

    @Option(names = "--force", description = "replace a policy already in --out")
    boolean force;

    @Option(names = "--top-group", description = "k: a sample's k best actions are good enough (default: ${DEFAULT-VALUE})")
    int topGroup = Reward.DEFAULTS.topGroup();

    @Option(names = "--tolerance", description = "epsilon: an image must be better by more than this to outrank another (default: ${DEFAULT-VALUE})")
    double tolerance = Reward.DEFAULTS.tolerance();

    @Option(names = "--penalty", description = "gamma: the reward of an action outside the top group is -gamma (default: ${DEFAULT-VALUE})")
    double penalty = Reward.DEFAULTS.penalty();

    @Option(names = "--lambda", description = "weight of realism in the quality Q = p(c|x) + lambda r(x) (default: ${DEFAULT-VALUE})")
    double lambda = Reward.DEFAULTS.lambda();

    @Option(names = "--iterations", description = "policy-gradient steps (default: ${DEFAULT-VALUE})")
    int iterations = PolicyTraining.DEFAULTS.iterations();

    @Option(names = "--hidden", description = "policy hidden width (default: ${DEFAULT-VALUE})")
    int hidden = PolicyTraining.DEFAULTS.hidden();

    @Option(names = "--lr", description = "Adam step size (default: ${DEFAULT-VALUE})")
    double learningRate = PolicyTraining.DEFAULTS.learningRate();

    @Option(names = "--entropy", description = "weight of the entropy bonus (default: ${DEFAULT-VALUE})")
    double entropy = PolicyTraining.DEFAULTS.entropy();

    @Option(names = "--seed", description = "seed of the policy's weights and its sampled actions (default: ${DEFAULT-VALUE})")
    long seed = PolicyTraining.DEFAULTS.seed();

    @Override
    public Integer call() throws Exception {
        if (trainSamples < 0 || evalSamples < 0 || trainSamples + evalSamples == 0 || chunk < 1) {
            throw new IllegalArgumentException("--train-samples and --eval-samples must be >= 0 (not both 0), --chunk >= 1");
        }
        if (!tableOnly && Files.exists(out.resolve(Policy.FILE)) && !force) {
            throw new IllegalArgumentException(out + " already holds a policy; give --force to replace it");
        }
        Reward reward = new Reward(topGroup, tolerance, penalty, lambda);
        PolicyTraining training = new PolicyTraining(hidden, iterations, PolicyTraining.DEFAULTS.batch(), learningRate,
                PolicyTraining.DEFAULTS.baselineDecay(), entropy, seed);
        Path tableFile = table != null ? table : out.resolve(QualityTable.FILE);
        Files.createDirectories(tableFile.toAbsolutePath().getParent());
        QualityTable built;
        List<String> classes;
        PolicyPrompts policyPrompts;
        GaussianStatistics referenceStatistics;
        try (ActionSet set = new ActionSet(teacher, actions)) {
            Path featuresDir = EvalCommand.featuresDir(featuresName, set.teacher().info().dataset());
            try (FeatureModel features = FeatureModel.load(featuresDir)) {
            ReferenceSet reference = References.loadOrBuild(features, featuresDir, m -> System.err.println("fewstep: " + m));
            Realism realism = QualitySetup.realism(reference);
            policyPrompts = PolicyPrompts.of(set.teacher().info());
            classes = policyPrompts.groups();
            referenceStatistics = reference.referenceStatistics();
            System.err.printf(Locale.ROOT, "fewstep: actions %s, NFE %s; realism normaliser d_real = %.4f; real images' %s %.4f%n",
                    set.specs(), java.util.Arrays.toString(set.nfe()), realism.realDistance(), features.scoreName(),
                    reference.referenceScore());
            built = new TableBuilder(set, features, realism, reference.referenceScore(), chunk).build(tableFile, teacher, trainSamples, evalSamples,
                    m -> System.err.println("fewstep: " + m));
            }
        }
        System.out.printf(Locale.ROOT, "quality table %s: %d training and %d held-out samples x %d actions%n", tableFile,
                built.indices(false).length, built.indices(true).length, built.actionCount());
        if (tableOnly) {
            return 0;
        }
        try (Policy policy = Policy.create(out.toAbsolutePath().normalize().getFileName().toString(), teacher,
                built.actions(), built.nfe(), hidden, seed)) {
            long start = System.nanoTime();
            PolicyTraining.Outcome outcome = training.train(policy, Bandit.of(built, built.indices(false), reward));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "trained on %d samples in %.1f s: mean reward (moving baseline) %.4f%n",
                    built.indices(false).length, seconds, outcome.baseline());
            PolicyEvaluation evaluation = PolicyEvaluation.of(policy, built, classes, referenceStatistics);
            EvaluationText.lines(evaluation).forEach(System.out::println);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("method", "AdaDiff (Zhang et al. 2023): REINFORCE policy over the MiniLM prompt embedding");
            extra.put("reward", Json.write(reward));
            extra.put("training", Json.write(training));
            extra.put("train_samples", Integer.toString(built.indices(false).length));
            extra.put("train_seconds", String.format(Locale.ROOT, "%.1f", seconds));
            extra.put("held_out", Json.write(Map.of("n", evaluation.policy().n(), "mean_nfe", evaluation.policy().meanNfe(),
                    "fid", evaluation.policy().fid(), "prompt_accuracy", evaluation.policy().score())));
            policy.save(out, extra);
            Files.writeString(out.resolve("evaluation.json"), Json.write(evaluation));
            NfeChart.write(evaluation, policy.name() + ": mean NFE per prompt group, "
                    + policyPrompts.heldOut() + " (n = "
                    + evaluation.policy().n() + ")", out.resolve("nfe-per-class.png"));
            System.out.println("wrote " + out.resolve(Policy.FILE) + ", evaluation.json and nfe-per-class.png");
        }
        return 0;
    }
}
