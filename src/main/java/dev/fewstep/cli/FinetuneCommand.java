package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.Emoji;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.finetune.FinetuneConfig;
import dev.fewstep.finetune.Finetuning;
import dev.fewstep.finetune.FullFinetuning;
import dev.fewstep.finetune.LoraFinetuning;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "finetune", description = {"Adapt a teacher to new images with its own loss: low-rank adapters on the"
        + " frozen base (LoRA, the default; writes lora.safetensors) or, with --full, every weight (writes a model).",
    "Checkpoints, Ctrl-C and --resume work as in train."})
final class FinetuneCommand implements Callable<Integer> {
    private static final FinetuneConfig DEFAULTS = FinetuneConfig.DEFAULTS;

    @Option(names = "--model", required = true, description = "the teacher to adapt (name or folder)")
    String model;

    @Option(names = "--dataset", description = "the images to adapt to (default: ${DEFAULT-VALUE})")
    String dataset = DEFAULTS.dataset();

    @Option(names = "--set", description = "emoji only: twitter or google (default: all)")
    String set;

    @Option(names = "--lora-rank", description = "adapter rank r (default: ${DEFAULT-VALUE})")
    Integer rank;

    @Option(names = "--lora-alpha", description = "adapter scale α; the update is (α/r) B A (default: r)")
    Double alpha;

    @Option(names = "--lora-convolutions", description = "also adapt the 3×3 convolutions")
    boolean convolutions;

    @Option(names = "--full", description = "fine-tune every weight instead (the baseline); writes a teacher model")
    boolean full;

    @Mixin
    RunOptions run;

    @Option(names = "--steps", description = "optimizer steps in total (default: ${DEFAULT-VALUE})")
    int steps = DEFAULTS.steps();

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch = DEFAULTS.batch();

    @Option(names = "--lr", description = "learning rate (default: " + "1e-3 with LoRA, 2e-4 with --full)")
    Double learningRate;

    @Option(names = "--data-dir", description = "read the dataset from this folder instead of the installed one")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (full && (rank != null || alpha != null || convolutions)) {
            throw new IllegalArgumentException("--full trains every weight; --lora-rank, --lora-alpha and"
                    + " --lora-convolutions are for adapters");
        }
        int r = rank == null ? LoraConfig.DEFAULTS.rank() : rank;
        LoraConfig lora = full ? null : new LoraConfig(r, alpha == null ? r : alpha, convolutions);
        double lr = learningRate != null ? learningRate : full ? FinetuneConfig.FULL_LEARNING_RATE : DEFAULTS.learningRate();
        String name = DataStore.canonical(dataset);
        if (set != null && !name.equals("emoji")) {
            throw new IllegalArgumentException("--set chooses an emoji set; " + name + " has none");
        }
        FinetuneConfig config = new FinetuneConfig(model, name, set, lora, steps, batch, lr, DEFAULTS.warmupSteps(),
                DEFAULTS.emaDecay(), DEFAULTS.promptDropout(), run.seed, run.checkpointEvery);
        dev.fewstep.latent.LatentKinds.refuseUnbuilt(ModelStore.resolve(model), "finetune");
        ImageDataset data = set == null ? DataStore.train(name, dataDir)
                : Emoji.load(dataDir == null ? DataStore.root().resolve("emoji") : dataDir, set);
        DiffusionModel base = DiffusionModel.load(ModelStore.resolve(model));
        Finetuning built;
        try {
            built = full ? new FullFinetuning(config, data, base) : new LoraFinetuning(config, data, base);
        } catch (RuntimeException e) {
            base.close(); // the method owns the base once built
            throw e;
        }
        try (Finetuning method = built) {
            describe(method, config, data);
            TrainingLoop.Result result = run.run(new TrainingLoop(run.out, method), "finetune", "fine-tuning", Probe.NONE);
            if (result == null) {
                return 0;
            }
            System.out.printf(Locale.ROOT, "done: %d steps, loss %.4f, %.1f s in total; %s%n", result.iteration(),
                    result.means().getOrDefault("loss", Double.NaN), result.seconds(), run.out.resolve(method.shippedFile()));
        }
        return 0;
    }

    private static void describe(Finetuning method, FinetuneConfig config, ImageDataset data) {
        System.out.printf(Locale.ROOT, "fine-tuning %s on %s (%d images), %s, lr %.1e, %d steps of %d%n", config.base(),
                config.data(), data.count(), config.full() ? "every weight" : "LoRA rank " + config.lora().rank()
                        + ", alpha " + config.lora().alpha(), config.learningRate(), config.steps(), config.batch());
        if (method instanceof LoraFinetuning lora) {
            long trained = lora.adapters().parameterCount();
            long all = lora.shipped().parameterCount();
            System.out.printf(Locale.ROOT, "trainable: %d adapter parameters on %d layers, %.2f %% of the base's %d%n",
                    trained, lora.adapters().updates().size(), 100.0 * trained / all, all);
        }
    }
}
