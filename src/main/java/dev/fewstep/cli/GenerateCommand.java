package dev.fewstep.cli;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Control;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.ImageParameters;
import dev.fewstep.generate.Images;
import dev.fewstep.generate.Vocabulary;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", description = "Generate images from a prompt with a shipped model.")
final class GenerateCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "fashion-teacher";
    /** Most generations take under a second; a progress display would only flicker. */
    static final Duration PROGRESS_AFTER = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "model name or folder (default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_MODEL)
    String model;

    @Option(names = "--lora", description = "LoRA adapter folded into the model, NAME or NAME:WEIGHT; repeat to add several")
    List<String> loras = new ArrayList<>();

    @Option(names = "--prompt", description = "what to draw, e.g. \"Ankle boot\"; repeat it for one row per prompt")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--all-prompts", description = "one row per prompt of the model's vocabulary (at most 64 prompts)")
    boolean allPrompts;

    @Mixin
    BudgetOptions budget;

    @Option(names = "--negative", description = "a negative prompt: guidance moves away from it instead of from no prompt")
    String negative;

    @Mixin
    ConditionOptions conditionOptions;

    @Mixin
    ViewOptions view;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Option(names = "--n", description = "number of images, laid out as a grid (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int n;

    @Option(names = "--out", required = true, description = "PNG file to write (the grid)")
    Path out;

    @Option(names = "--out-dir", description = "also write every image as its own PNG in this folder (ROW-SEED.png)")
    Path outDir;

    @Option(names = "--scale", description = "upscale factor of the written PNG (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int scale;

    @Option(names = "--from", description = "make again the image of a PNG that fewstep wrote: its prompts, model,"
            + " sampler, steps, cfg, seed, n and scale (other options besides --out are refused)")
    Path from;

    @Option(names = "--policy", description = "an AdaDiff policy (fewstep train-policy) picks the model and budget for the prompt")
    String policy;

    @Override
    public Integer call() throws Exception {
        ImageParameters recorded = from == null ? null : ImageFrom.apply(this, spec);
        if (policy != null) {
            PolicyOptions.apply(this, spec);
        }
        if (prompts.isEmpty() && !allPrompts) {
            throw new IllegalArgumentException("give --prompt TEXT (or --all-prompts)");
        }
        // Everything that does not need the model is checked before it loads; --all-prompts alone stands in as a prompt.
        for (String prompt : prompts.isEmpty() ? List.of("--all-prompts") : prompts) {
            new GenerateRequest(prompt, budget.sampler, budget.steps, budget.cfg, seed, n, negative).validated();
        }
        GenerateRequest.requireImageCount(prompts.size(), n);
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("--scale must be between 1 and 16");
        }
        OutputFile.png(out);
        conditionOptions.check();
        if (outDir != null) {
            ImageFiles.check(outDir);
        }
        List<dev.fewstep.nn.lora.LoraSpec> adapters = dev.fewstep.nn.lora.LoraSpec.parseAll(loras);
        try (DiffusionModel loaded = dev.fewstep.nn.lora.LoraModels.load(model, adapters)) {
            List<String> rows = new ArrayList<>(prompts);
            if (allPrompts) {
                if (loaded.info().prompts().size() > GenerateRequest.MAX_IMAGES) {
                    throw new IllegalArgumentException("--all-prompts: " + loaded.name() + " has " + loaded.info().prompts().size()
                            + " prompts, more than " + GenerateRequest.MAX_IMAGES + "; name them with --prompt");
                }
                rows.addAll(loaded.info().prompts());
                if (rows.isEmpty()) {
                    throw new IllegalArgumentException("--all-prompts: " + loaded.name()
                            + " has no prompt vocabulary; give --prompt TEXT");
                }
                GenerateRequest.requireImageCount(rows.size(), n);
            }
            for (String prompt : prompts) {
                Vocabulary.warning(loaded.info().prompts(), prompt).ifPresent(w -> System.err.println("fewstep: warning: " + w));
            }
            warnIgnored(loaded);
            Control control = conditionOptions.control(loaded);
            float[] camera = view.camera(loaded, spec);
            // Each row repeats the same seeds, so rows differ only by their prompt.
            List<GenerateRequest> requests = rows.stream()
                    .map(prompt -> new GenerateRequest(prompt, budget.sampler, budget.steps, budget.cfg, seed, n, negative)).toList();
            double warmUp = Generation.warmUp(loaded, requests.get(0), control, camera).seconds();
            List<Generation.Result> results = generateShowingProgress(loaded, requests, control, camera);
            Generation.Result first = results.get(0);
            int length = first.channels() * first.size() * first.size();
            float[] pixels = new float[rows.size() * n * length];
            double seconds = 0;
            for (int r = 0; r < results.size(); r++) {
                System.arraycopy(results.get(r).pixels(), 0, pixels, r * n * length, n * length);
                seconds += results.get(r).seconds();
            }
            int columns = rows.size() == 1 ? (int) Math.ceil(Math.sqrt(n)) : n;
            ImageParameters parameters = new ImageParameters(rows, negative, model, loaded.hash(), budget.sampler, budget.steps, budget.cfg, seed, first.nfe(),
                    n, scale, adapters.stream().map(dev.fewstep.nn.lora.LoraSpec::toString).toList());
            ImageFrom.warnIfModelChanged(recorded, parameters);
            Images.writePng(Images.png(Images.upscale(Images.grid(pixels, rows.size() * n, first.channels(), first.size(),
                    columns), scale), parameters), out);
            if (outDir != null) {
                ImageFiles.write(outDir, pixels, first.channels(), first.size(), parameters);
            }
            String method = loaded.info().kind() + ", " + loaded.generator().describe(requests.get(0).budget());
            int count = rows.size() * n;
            System.out.printf("wrote %s: %d image(s) of %s with %s (%s): %.2f s, NFE %d, %.2f images/s"
                    + " (after a %.2f s warm-up evaluation)%n", out, count,
                    rows.size() == 1 ? "\"" + rows.get(0) + "\"" : rows.size() + " prompts", loaded.name(), method, seconds,
                    first.nfe(), count / seconds, warmUp);
        }
        return 0;
    }

    /** Runs the requests in order; progress, counted in network evaluations, shows only if they take a while. */
    private static List<Generation.Result> generateShowingProgress(DiffusionModel loaded, List<GenerateRequest> requests,
            Control control, float[] camera) {
        int nfe = loaded.generator().nfe(requests.get(0).budget());
        List<Generation.Result> results = new ArrayList<>();
        try (Progress progress = Progress.afterQuiet("generate", PROGRESS_AFTER)) {
            progress.started(0, (long) requests.size() * nfe);
            for (GenerateRequest request : requests) {
                long done = (long) results.size() * nfe;
                results.add(Generation.generate(loaded, request, control, camera,
                        evaluations -> progress.step(done + evaluations)));
            }
        }
        return results;
    }

    /** A distilled student brings its own steps and guidance; says so if the user set options it ignores. */
    private void warnIgnored(DiffusionModel loaded) {
        Set<Budget.Setting> reads = loaded.generator().reads();
        List<String> ignored = new ArrayList<>();
        Map<String, Budget.Setting> options = Map.of("--sampler", Budget.Setting.SAMPLER, "--steps", Budget.Setting.STEPS,
                "--cfg", Budget.Setting.CFG, "--negative", Budget.Setting.CFG);
        for (String option : List.of("--sampler", "--steps", "--cfg", "--negative")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option) && !reads.contains(options.get(option))) {
                ignored.add(option);
            }
        }
        if (!ignored.isEmpty()) {
            int nfe = loaded.generator().nfe(budget.budget());
            System.err.printf("fewstep: %s is a distilled %s generator (kind %s, guidance distilled in); %s ignored%n",
                    loaded.name(), nfe == 1 ? "one-step" : nfe + "-step", loaded.info().kind(), String.join(", ", ignored));
        }
    }
}
