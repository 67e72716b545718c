package dev.fewstep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.bench.SamplingCost;
import dev.fewstep.bench.SpeedBench;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "speed", description = "FLOPs per image, forward and training images/s, a SiD iteration's seconds and "
        + "the machine's peak, measured in one run; where the time goes per operation kind.")
final class BenchSpeedCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--model", defaultValue = "fashion-teacher", description = "model name or folder (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--json", description = "print one JSON object on the last line")
    boolean json;

    @Option(names = "--min-seconds", defaultValue = "2.0", description = "each measurement repeats for at least this long (default: ${DEFAULT-VALUE})")
    double minSeconds;

    @Option(names = "--no-sid", description = "skip the SiD iteration (the slowest measurement)")
    boolean noSid;

    @Override
    public Integer call() throws Exception {
        SpeedBench.Settings d = SpeedBench.Settings.DEFAULTS;
        SpeedBench.Settings settings = new SpeedBench.Settings(d.forwardBatches(), d.trainBatch(), minSeconds, !noSid);
        try (DiffusionModel loaded = DiffusionModel.load(ModelStore.resolve(model))) {
            SpeedBench.Report r = SpeedBench.run(loaded, settings, step -> System.err.println("bench speed: " + step));
            print(r);
            if (json) {
                System.out.println(JSON.writeValueAsString(json(r)));
            }
        }
        return 0;
    }

    private static void print(SpeedBench.Report r) {
        System.out.printf(Locale.ROOT, "%s (%s): %.3f GFLOP per image forward (convolution %.3f, attention %.3f, linear %.3f)%n",
                r.model(), r.threads(), r.flops().forward() / 1e9, r.flops().convolution() / 1e9,
                r.flops().attention() / 1e9, r.flops().linear() / 1e9);
        System.out.printf(Locale.ROOT, "peak: %.1f GFLOP/s (matmul %.1f, 3x3 convolution %.1f)%n", r.peak().gflops(),
                r.peak().matmulGflops(), r.peak().convolutionGflops());
        r.forwardImagesPerSecond().forEach((batch, rate) -> System.out.printf(Locale.ROOT,
                "forward batch %d: %.1f images/s, %.1f %% of peak%n", batch, rate, 100 * r.forwardPeakShare(batch)));
        System.out.println("forward by kind (s): " + rounded(r.forwardSeconds()));
        System.out.printf(Locale.ROOT, "training step batch %d: %.2f images/s, %.1f %% of peak; phases (s): %s%n",
                r.trainBatch(), r.trainImagesPerSecond(), 100 * r.trainPeakShare(), rounded(r.trainPhases()));
        System.out.println("training forward by kind (s): " + rounded(r.trainForwardSeconds()));
        if (r.sidIterationSeconds() != null) {
            System.out.printf(Locale.ROOT, "SiD iteration (K = 4, batch 16): %.2f s%n", r.sidIterationSeconds());
        }
        SamplingCost s = r.sampling();
        System.out.printf(Locale.ROOT, "sampling %d images, %s (NFE %d): %.3f s, %.1f %% outside the network; "
                + "noise %.4f s, PNG %.4f s; network by kind (s): %s%n", s.batch(), s.budget(), s.nfe(), s.seconds(),
                100 * s.outsideShare(), s.noiseSeconds(), s.pngSeconds(), rounded(s.networkKinds()));
    }

    private static Map<String, Object> json(SpeedBench.Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", r.model());
        out.put("threads", r.threads());
        out.put("flopsPerImage", r.flops().forward());
        out.put("peakGflops", r.peak().gflops());
        out.put("matmulGflops", r.peak().matmulGflops());
        out.put("convolutionGflops", r.peak().convolutionGflops());
        Map<String, Double> forward = new LinkedHashMap<>();
        r.forwardImagesPerSecond().forEach((batch, rate) -> forward.put(Integer.toString(batch), rate));
        out.put("forwardImagesPerSecond", forward);
        out.put("forwardSecondsByKind", r.forwardSeconds());
        out.put("trainBatch", r.trainBatch());
        out.put("trainImagesPerSecond", r.trainImagesPerSecond());
        out.put("trainPeakShare", r.trainPeakShare());
        out.put("trainPhaseSeconds", r.trainPhases());
        out.put("trainForwardSecondsByKind", r.trainForwardSeconds());
        out.put("sidIterationSeconds", r.sidIterationSeconds());
        out.put("sampling", Map.of("batch", r.sampling().batch(), "budget", r.sampling().budget(),
                "seconds", r.sampling().seconds(), "outsideNetworkShare", r.sampling().outsideShare(),
                "noiseSeconds", r.sampling().noiseSeconds(), "pngSeconds", r.sampling().pngSeconds()));
        return out;
    }

    private static Map<String, String> rounded(Map<String, Double> seconds) {
        Map<String, String> out = new LinkedHashMap<>();
        seconds.forEach((kind, s) -> out.put(kind, String.format(Locale.ROOT, "%.4f", s)));
        return out;
    }
}
