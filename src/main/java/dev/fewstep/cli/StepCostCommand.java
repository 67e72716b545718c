package dev.fewstep.cli;

import dev.fewstep.latent.AutoencoderConfig;
import dev.fewstep.latent.StepCost;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "step-cost", description = {
    "Seconds per teacher training step on latents vs on pixels: the same U-Net width, batch and loop, side by side",
    "(latent diffusion's saving, docs/latent.md)."})
final class StepCostCommand implements Callable<Integer> {
    @Option(names = "--size", description = "image side (default: ${DEFAULT-VALUE})")
    int size = 64;

    @Option(names = "--factor", description = "the autoencoder's downsampling factor (default: ${DEFAULT-VALUE})")
    int factor = 4;

    @Option(names = "--latent-channels", description = "channels of the latent (default: ${DEFAULT-VALUE})")
    int latentChannels = 4;

    @Option(names = "--channels", description = "U-Net channels at full resolution (default: ${DEFAULT-VALUE})")
    int channels = 64;

    @Option(names = "--batch", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--iterations", description = "timed steps per run (default: ${DEFAULT-VALUE})")
    int iterations = 3;

    @Option(names = "--rounds", description = "latent-then-pixel runs (default: ${DEFAULT-VALUE})")
    int rounds = 2;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || iterations < 1 || rounds < 1 || channels < 8 || channels % 8 != 0 || channels > 512) {
            throw new IllegalArgumentException("--batch, --iterations and --rounds must be at least 1, --channels a"
                    + " multiple of 8 up to 512");
        }
        AutoencoderConfig shape = new AutoencoderConfig(3, size, latentChannels, factor, 8, 1).validated();
        StepCost.Result result = StepCost.measure(shape, channels, batch, iterations, rounds);
        System.out.printf("latent %s: %.3f s/step (median of %s)%n", result.latent(), result.latentMedian(),
                result.latentSeconds());
        System.out.printf("pixel  %s: %.3f s/step (median of %s)%n", result.pixel(), result.pixelMedian(),
                result.pixelSeconds());
        System.out.printf("latent / pixel = %.3f (target <= 0.25), batch %d%n", result.ratio(), batch);
        return 0;
    }
}
