package dev.fewstep.cli;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.Images;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", description = "Generate images from a prompt with a shipped model.")
final class GenerateCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = "fashion-teacher";

    @Option(names = "--model", description = "model name or folder (default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_MODEL)
    String model;

    @Option(names = "--prompt", required = true, description = "what to draw, e.g. \"Ankle boot\"")
    String prompt;

    @Option(names = "--sampler", description = "euler, heun, ddim or dpmpp2m (default: ${DEFAULT-VALUE})", defaultValue = "heun")
    String sampler;

    @Option(names = "--steps", description = "sampler steps (default: ${DEFAULT-VALUE}; Heun spends 2 NFE a step but the last)", defaultValue = "18")
    int steps;

    @Option(names = "--cfg", description = "classifier-free guidance scale w, 1 = none (default: ${DEFAULT-VALUE})", defaultValue = "2.0")
    double cfg;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "0")
    long seed;

    @Option(names = "--n", description = "number of images, laid out as a grid (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int n;

    @Option(names = "--out", required = true, description = "PNG file to write")
    Path out;

    @Option(names = "--scale", description = "upscale factor of the written PNG (default: ${DEFAULT-VALUE})", defaultValue = "4")
    int scale;

    @Override
    public Integer call() throws Exception {
        GenerateRequest request = new GenerateRequest(prompt, sampler, steps, cfg, seed, n).validated();
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("--scale must be between 1 and 16");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalArgumentException("cannot write " + out + ": " + parent + " is not a writable folder");
        }
        try (DiffusionModel loaded = DiffusionModel.load(ModelStore.resolve(model))) {
            Generation.Result result = Generation.generate(loaded, request);
            Images.writePng(Images.upscale(Images.grid(result.pixels(), result.count(), result.channels(), result.size()), scale), out);
            String method = loaded.info().isOneStep() ? "one-step " + loaded.info().kind() : sampler + " " + steps + " steps, cfg " + cfg;
            System.out.printf("wrote %s: %d image(s) of \"%s\" with %s (%s): %.2f s, NFE %d, %.2f images/s%n",
                    out, result.count(), prompt, loaded.name(), method, result.seconds(), result.nfe(), result.imagesPerSecond());
        }
        return 0;
    }
}
