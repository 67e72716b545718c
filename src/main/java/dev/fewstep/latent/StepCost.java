package dev.fewstep.latent;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.train.TeacherTraining;
import dev.fewstep.train.TrainConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What latent diffusion saves per training step: the teacher's training step (the same {@link TeacherTraining},
 * U-Net width, batch and loop) on (C, H/f, W/f) latents and on (3, H, W) pixels, measured side by side: the two
 * alternate round by round, so both see the same machine load. The data are random (a step's cost does not depend
 * on the values); the latents are encoded once before training, so the encoder is not part of a step. The first
 * iteration of every run sets up PyTorch's kernels and is not counted.
 */
public final class StepCost {
    private StepCost() {}

    /** Seconds per training step of each run, latent and pixel, in the order measured. */
    public record Result(UNetConfig latent, UNetConfig pixel, List<Double> latentSeconds, List<Double> pixelSeconds) {
        public double latentMedian() {
            return median(latentSeconds);
        }

        public double pixelMedian() {
            return median(pixelSeconds);
        }

        /** Latent step / pixel step, of the medians. */
        public double ratio() {
            return latentMedian() / pixelMedian();
        }
    }

    /**
     * @param autoencoder the latent's shape comes from it (channels, side)
     * @param iterations timed iterations per run (one more runs first, untimed)
     * @param rounds latent-then-pixel runs
     */
    public static Result measure(AutoencoderConfig autoencoder, int channels, int batch, int iterations, int rounds)
            throws IOException {
        ImageDataset latents = random(autoencoder.latentChannels(), autoencoder.latentSize());
        ImageDataset pixels = random(autoencoder.imageChannels(), autoencoder.imageSize());
        TrainConfig config = new TrainConfig("synthetic", iterations + 1, batch, TrainConfig.DEFAULTS.learningRate(),
                TrainConfig.DEFAULTS.warmupSteps(), TrainConfig.DEFAULTS.emaDecay(), TrainConfig.DEFAULTS.promptDropout(),
                1, 1_000_000, channels);
        List<Double> latentSeconds = new ArrayList<>();
        List<Double> pixelSeconds = new ArrayList<>();
        UNetConfig latentNetwork = null;
        UNetConfig pixelNetwork = null;
        for (int round = 0; round < rounds; round++) {
            try (TeacherTraining latent = new TeacherTraining(config, latents)) {
                latentNetwork = latent.networkConfig();
                latentSeconds.add(secondsPerStep(latent));
            }
            try (TeacherTraining pixel = new TeacherTraining(config, pixels)) {
                pixelNetwork = pixel.networkConfig();
                pixelSeconds.add(secondsPerStep(pixel));
            }
        }
        return new Result(latentNetwork, pixelNetwork, latentSeconds, pixelSeconds);
    }

    private static double secondsPerStep(TeacherTraining training) throws IOException {
        return dev.fewstep.train.loop.IterationTime.secondsPerIteration(training);
    }

    private static ImageDataset random(int channels, int size) {
        Random random = new Random(1);
        int count = 64;
        float[] values = new float[count * channels * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        int[] promptIndex = new int[count];
        for (int i = 0; i < count; i++) {
            promptIndex[i] = i % 4;
        }
        return new ImageDataset("synthetic", channels, size, values, promptIndex,
                List.of("grinning face", "red heart", "dog face", "red apple"));
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String seconds(List<Double> values) {
        return Arrays.toString(values.stream().mapToDouble(v -> Math.round(v * 1000) / 1000.0).toArray());
    }
}
