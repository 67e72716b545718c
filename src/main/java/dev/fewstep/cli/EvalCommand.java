package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.generate.Images;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.distill.codi.ConditionInput;
import dev.fewstep.distill.codi.ConditionalEval;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.metrics.EvalResult;
import dev.fewstep.metrics.EvalSettings;
import dev.fewstep.metrics.Evaluator;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.References;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.FeatureStore;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", description = "Measure a model: FID (with its real-vs-real floor), precision, recall and "
        + "prompt accuracy or text-image alignment of generated samples.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model name or folder (required unless --policy)")
    String model;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--policy", description = "an AdaDiff policy: held-out templated prompts, each with the action it picks")
    String policy;

    @Mixin
    BudgetOptions budget;

    @Mixin
    EvalOptions protocol;

    @Option(names = "--json", description = "also print the result as one JSON object on the last line")
    boolean json;

    @Option(names = "--examples", description = "conditional models: write the first 8 test conditions, outputs and"
            + " test images, a row each, to this PNG")
    Path examples;

    @Option(names = "--lora", description = "LoRA adapter folded in first, NAME or NAME:WEIGHT; repeat to add several")
    java.util.List<String> loras;

    @Option(names = "--reference-set", description = "emoji only: measure against one set's images (twitter or google)")
    String referenceSet;

    @Override
    public Integer call() throws Exception {
        if (policy != null) {
            return PolicyEval.run(policy, model, protocol);
        }
        if (model == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--model=<model>' (or --policy NAME)");
        }
        EvalSettings settings = new EvalSettings(budget.sampler, budget.steps, budget.cfg, protocol.n, protocol.seed,
                protocol.chunk);
        Path modelDir = ModelStore.resolve(model);
        try (DiffusionModel loaded = dev.fewstep.nn.lora.LoraModels.load(modelDir.toString(),
                dev.fewstep.nn.lora.LoraSpec.parseAll(loras))) {
            Path featuresDir = featuresDir(protocol.featuresName, loaded.info().dataset(), loaded.info().imageSize());
            try (FeatureModel features = FeatureModel.load(featuresDir)) {
                evaluate(loaded, features, featuresDir, settings);
            }
        }
        return 0;
    }

    private void evaluate(DiffusionModel loaded, FeatureModel features, Path featuresDir, EvalSettings settings)
            throws java.io.IOException {
        Evaluator evaluator = referenceSet == null ? evaluator(features, featuresDir) : new Evaluator(features,
                References.loadOrBuild(features, featuresDir, referenceSet, m -> System.err.println("fewstep: " + m)));
        if (ConditionInput.task(loaded.info()).isPresent()) {
            evaluateConditional(loaded, evaluator, settings);
            return;
        }
        EvalResult result;
        try (Progress progress = new Progress("eval")) {
            progress.started(0, protocol.n);
            result = evaluator.evaluate(loaded, settings, progress::step);
        }
        print(result);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(result.toMap()));
        }
    }

    /** A conditional model: conditions from the test split, and the task's fidelity beside the usual scores. */
    private void evaluateConditional(DiffusionModel loaded, Evaluator evaluator, EvalSettings settings)
            throws java.io.IOException {
        if (examples != null) {
            OutputFile.png(examples);
        }
        ImageDataset test = DataStore.test(loaded.info().dataset(), null);
        ConditionalEval.Result result;
        try (Progress progress = new Progress("eval")) {
            progress.started(0, protocol.n);
            result = ConditionalEval.evaluate(loaded, evaluator, settings, test, progress::step);
        }
        print(result.quality());
        System.out.printf(Locale.ROOT, "conditions: the first %d test images (%s); fidelity to them:%n", settings.n(),
                ConditionInput.task(loaded.info()).get().name());
        result.fidelity().forEach((name, value) -> System.out.printf(Locale.ROOT, "  %-16s %8.4f%n", name, value));
        if (examples != null) {
            Images.writePng(Images.upscale(Images.grid(result.examples(), result.exampleRows() * 3, test.channels(),
                    test.size(), 3), 4), examples);
            System.out.printf("wrote %s: rows of condition, output, test image%n", examples);
        }
        if (json) {
            java.util.Map<String, Object> map = new java.util.LinkedHashMap<>(result.quality().toMap());
            map.putAll(result.fidelity());
            System.out.println(new ObjectMapper().writeValueAsString(map));
        }
    }

    /** The named feature network, or the default one of the dataset for images of side {@code imageSize}. */
    static Path featuresDir(String name, String dataset, int imageSize) {
        return name == null ? FeatureStore.forDataset(dataset, imageSize) : FeatureStore.resolve(name);
    }

    /** The named feature network, or the default one of the dataset. */
    static Path featuresDir(String name, String dataset) {
        return name == null ? FeatureStore.forDataset(dataset) : FeatureStore.resolve(name);
    }

    /** An evaluator on the cached reference features, computing and caching them on first use. */
    static Evaluator evaluator(FeatureModel features, Path dir) throws java.io.IOException {
        ReferenceSet reference = References.loadOrBuild(features, dir, message -> System.err.println("fewstep: " + message));
        return new Evaluator(features, reference);
    }

    static void print(EvalResult r) {
        String method = r.sampler() == null ? "one-step " + r.kind()
                : String.format(Locale.ROOT, "%s, %d steps, cfg %.2f", r.sampler(), r.steps(), r.cfg());
        System.out.printf(Locale.ROOT, "%s (%s, step %d): %s, NFE %d%n", r.method(), r.kind(), r.modelStep(), method, r.nfe());
        System.out.printf(Locale.ROOT, "%d samples, seeds %d..%d, prompts spread evenly over the vocabulary%n", r.n(), r.seed(),
                r.seed() + r.n() - 1);
        System.out.printf(Locale.ROOT, "features %s; reference: %s; floor: %d real images not in the reference%n",
                r.features(), r.reference(), r.floorCount());
        if (r.measuredAt() != null) {
            System.out.printf(Locale.ROOT, "images measured at %s%n", r.measuredAt());
        }
        System.out.printf(Locale.ROOT, "  FID              %8.2f   (real-vs-real floor %.2f)%n", r.fid(), r.fidFloor());
        System.out.printf(Locale.ROOT, "  precision        %8.3f   (real: %.3f)%n", r.precision(), r.floorPrecision());
        System.out.printf(Locale.ROOT, "  recall           %8.3f   (real: %.3f)%n", r.recall(), r.floorRecall());
        if (r.scoreName().equals("promptAccuracy")) {
            System.out.printf(Locale.ROOT, "  prompt accuracy  %8.3f ± %.3f (standard error; real reference images: %.3f; samples against other prompts: %.3f)%n",
                    r.score(), r.scoreStandardError(), r.referenceScore(), r.mismatchedScore());
        } else {
            System.out.printf(Locale.ROOT, "  alignment        %8.4f ± %.4f (standard error; real reference images: %.3f; samples against other prompts: %.3f)%n",
                    r.score(), r.scoreStandardError(), r.referenceScore(), r.mismatchedScore());
        }
        System.out.printf(Locale.ROOT, "  NFE %d, %.1f s generating, %.2f images/s; %.1f s in all%n", r.nfe(),
                r.generationSeconds(), r.imagesPerSecond(), r.totalSeconds());
    }
}
