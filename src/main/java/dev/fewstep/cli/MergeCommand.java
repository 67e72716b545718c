package dev.fewstep.cli;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.lora.LoraModels;
import dev.fewstep.nn.lora.LoraSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "merge", description = "Fold LoRA adapters into a model's weights (W + w (α/r) B A) and write a normal"
        + " model.")
final class MergeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the base model the adapters were trained on")
    String model;

    @Option(names = "--lora", required = true, description = "adapter as NAME or NAME:WEIGHT; repeat to add several")
    List<String> loras;

    @Option(names = "--out", required = true, description = "new model folder, e.g. models/NAME")
    Path out;

    @Option(names = "--force", description = "replace a model already in --out")
    boolean force;

    @Override
    public Integer call() throws Exception {
        List<LoraSpec> specs = LoraSpec.parseAll(loras);
        Path file = out.resolve(ModelStore.WEIGHTS);
        if (Files.exists(file) && !force) {
            throw new IllegalArgumentException(out + " already holds a model; pass --force to replace it, or choose"
                    + " another --out");
        }
        try (DiffusionModel merged = LoraModels.load(model, specs)) {
            Files.createDirectories(out);
            DiffusionModel.save(out, merged.network(), merged.info().withExtra("merged_loras", specs.toString())
                    .withExtra("merged_into", merged.name()));
            System.out.printf("wrote %s: %s with %s folded in%n", file, merged.name(), specs);
        }
        return 0;
    }
}
