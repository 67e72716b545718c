package dev.fewstep.cli;

import dev.fewstep.batch.BatchSettings;
import dev.fewstep.batch.ImageTask;
import dev.fewstep.batch.Manifest;
import dev.fewstep.batch.PromptFile;
import dev.fewstep.batch.SparkBatch;
import dev.fewstep.batch.SparkJob;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.model.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "batch", description = "Generate images for a file of prompts on Apache Spark (local mode by default):"
        + " one PNG per image and a manifest.jsonl; a rerun skips the images already there.")
final class BatchCommand implements Callable<Integer> {
    @Option(names = "--model", description = "model name or folder (default: ${DEFAULT-VALUE})",
            defaultValue = GenerateCommand.DEFAULT_MODEL)
    String model;

    @Option(names = "--prompts", required = true, description = "one prompt per line, or JSON lines"
            + " {\"prompt\", \"seed\", \"sampler\", \"steps\", \"cfg\", \"negative\"}")
    Path prompts;

    @Option(names = "--out", required = true, description = "folder for the PNGs and manifest.jsonl")
    Path out;

    @Option(names = "--master", description = "local[*], local[K], spark://HOST:PORT, yarn, … (default: spark-submit's, else "
            + SparkJob.DEFAULT_MASTER + ")")
    String master;

    @Option(names = "--partitions", description = "tasks to split the prompts into (default: 4 per core)", defaultValue = "0")
    int partitions;

    @Option(names = "--per-prompt", description = "images per prompt line (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int perPrompt;

    @Option(names = "--seed", description = "base seed: line L's image i uses seed + L x per-prompt + i (default: ${DEFAULT-VALUE})",
            defaultValue = "0")
    long seed;

    @Mixin
    BudgetOptions budget;

    @Option(names = "--negative", description = "a negative prompt for every line that names none")
    String negative;

    @Option(names = "--scale", description = "upscale factor of the written PNGs (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int scale;

    @Option(names = "--conf", description = "a Spark setting KEY=VALUE (repeatable), e.g. spark.executor.cores=4")
    Map<String, String> conf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        SparkJob job = new SparkJob(master, partitions, conf).validated();
        if (scale < 1 || scale > BatchSettings.MAX_SCALE) {
            throw new IllegalArgumentException("--scale must be between 1 and " + BatchSettings.MAX_SCALE);
        }
        if (perPrompt < 1 || perPrompt > GenerateRequest.MAX_IMAGES) {
            throw new IllegalArgumentException("--per-prompt must be between 1 and " + GenerateRequest.MAX_IMAGES + ", got " + perPrompt);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (!Files.exists(out) && (parent == null || !Files.isDirectory(parent))) {
            throw new IllegalArgumentException("--out " + out + ": its parent folder does not exist");
        }
        Path weights = ModelStore.resolve(model).resolve(ModelStore.WEIGHTS);
        String hash = ModelStore.sha256(weights).substring(0, 10);
        BatchSettings settings = new BatchSettings(model, budget.sampler, budget.steps, budget.cfg, negative, seed, perPrompt, scale);
        List<ImageTask> tasks = PromptFile.read(prompts, settings);
        SparkBatch.Summary summary = SparkBatch.run(tasks, hash, out, job);
        System.out.printf(Locale.ROOT, "%s: %d image(s) of %d prompt(s) with %s on %s in %d partition(s): %d generated, %d"
                        + " already there; Spark start %.2f s, job %.2f s%s%s%n",
                out.resolve(Manifest.FILE), summary.images(), tasks.size(), model, job.master(), summary.partitions(),
                summary.generated(), summary.images() - summary.generated(), summary.startSeconds(), summary.jobSeconds(),
                summary.generated() == 0 ? "" : String.format(Locale.ROOT, ", %.2f images/s", summary.imagesPerSecond()),
                job.isLocal() ? ", model loaded " + summary.modelLoads() + " time(s)" : "");
        return 0;
    }
}
