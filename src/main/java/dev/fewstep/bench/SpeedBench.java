package dev.fewstep.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.OpTimes;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Ema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How close a model's network runs to what this machine can do: its FLOPs per image, forward images/s at several
 * batches, a teacher training step's images/s (forward, backward, Adam with clipping, weight average, as
 * {@link dev.fewstep.train.TeacherTraining} does) and one SiD iteration's seconds ({@link SidIterationTime}), each
 * against the machine's peak measured in the same run ({@link Peak}), with where the time goes: per operation kind
 * ({@link OpTimes}) and, for sampling, inside or outside the network ({@link SamplingCost}).
 */
public final class SpeedBench {
    /** The teacher's training settings: batch 32, clipping at 1, the weight average's decay. */
    static final int TRAIN_BATCH = 32;
    static final double MAX_GRADIENT_NORM = 1.0;
    static final double EMA_DECAY = 0.999;

    /**
     * @param forwardBatches batches of the forward measurement
     * @param minSeconds each measurement repeats its call for at least this long
     * @param sid whether to time a SiD iteration (teachers only)
     */
    public record Settings(int[] forwardBatches, int trainBatch, double minSeconds, boolean sid) {
        public static final Settings DEFAULTS = new Settings(new int[] {1, 16, 64}, TRAIN_BATCH, 2.0, true);
    }

    /**
     * @param forwardImagesPerSecond by batch
     * @param forwardSeconds per operation kind, one forward at the largest batch
     * @param trainPhases seconds per training step: forward, backward, adam, ema
     * @param trainForwardSeconds per operation kind, the training step's forward
     * @param sidIterationSeconds null for a distilled model
     */
    public record Report(String model, String threads, FlopCount flops, Peak peak,
            Map<Integer, Double> forwardImagesPerSecond, Map<String, Double> forwardSeconds, int trainBatch,
            double trainImagesPerSecond, Map<String, Double> trainPhases, Map<String, Double> trainForwardSeconds,
            Double sidIterationSeconds, SamplingCost sampling) {

        public double forwardPeakShare(int batch) {
            return forwardImagesPerSecond.get(batch) * flops.forward() / 1e9 / peak.gflops();
        }

        public double trainPeakShare() {
            return trainImagesPerSecond * flops.trainingStep() / 1e9 / peak.gflops();
        }
    }

    private SpeedBench() {}

    public static Report run(DiffusionModel model, Settings settings, Consumer<String> progress) throws Exception {
        String threads = "intra-op " + JniUtils.getNumThreads() + ", inter-op " + JniUtils.getNumInteropThreads();
        UNetConfig config = model.info().config();
        try (NDManager manager = model.manager().newSubManager()) {
            progress.accept("peak (matmul, 3x3 convolution)");
            Peak peak = Peak.measure(manager, settings.minSeconds());
            Map<Integer, Double> forward = new LinkedHashMap<>();
            Map<String, Double> forwardKinds = Map.of();
            boolean recording = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                for (int batch : settings.forwardBatches()) {
                    progress.accept("forward, batch " + batch);
                    forward.put(batch, batch / Timing.secondsPerCall(manager, settings.minSeconds(),
                            s -> denoise(model.denoiser(), s, batch)));
                }
                int largest = settings.forwardBatches()[settings.forwardBatches().length - 1];
                try (NDManager scope = manager.newSubManager(); OpTimes times = OpTimes.record()) {
                    denoise(model.denoiser(), scope, largest);
                    forwardKinds = times.seconds();
                }
            } finally {
                JniUtils.setGradMode(recording);
            }
            progress.accept("training step, batch " + settings.trainBatch());
            TrainTime train = trainStep(model, manager, settings);
            Double sid = null;
            if (settings.sid() && model.kind().isTeacher()) {
                progress.accept("SiD iteration");
                sid = SidIterationTime.seconds(model);
            }
            progress.accept("sampling");
            SamplingCost sampling = SamplingCost.measure(model);
            return new Report(model.name(), threads, FlopCount.of(config), peak, forward, forwardKinds,
                    settings.trainBatch(), settings.trainBatch() / train.phases.values().stream()
                            .mapToDouble(Double::doubleValue).sum(), train.phases, train.forwardKinds, sid, sampling);
        }
    }

    private static NDArray denoise(Denoiser denoiser, NDManager scope, int batch) {
        int c = denoiser.imageChannels();
        int size = denoiser.imageSize();
        NDArray x = scope.randomNormal(new Shape(batch, c, size, size));
        NDArray sigma = scope.full(new Shape(batch), 1f);
        return denoiser.denoise(x, sigma, Conditioning.of(scope.randomNormal(new Shape(batch, TextEncoder.DIM))));
    }

    private record TrainTime(Map<String, Double> phases, Map<String, Double> forwardKinds) {}

    /** Seconds per phase of a teacher training step, on a copy of the model's network (the model is not changed). */
    private static TrainTime trainStep(DiffusionModel model, NDManager manager, Settings settings) {
        try (NDManager owner = manager.newSubManager()) {
            UNet network = UNet.create(model.info().config(), owner);
            UNet average = UNet.create(model.info().config(), owner);
            Weights.copy(model.network(), network);
            Adam adam = new Adam(network, owner, 0.9, 0.999, 1e-8);
            Ema ema = new Ema(network, average, Ema.decay(EMA_DECAY));
            EdmDenoiser denoiser = new EdmDenoiser(network);
            EdmLoss loss = EdmLoss.paperDefaults();
            int batch = settings.trainBatch();
            int c = model.info().config().imageChannels();
            int size = model.info().config().imageSize();
            long[] nanos = new long[4];
            int[] calls = {0};
            Map<String, Double> forwardKinds = new LinkedHashMap<>();
            double perStep = Timing.secondsPerCall(settings.minSeconds(), call -> {
                try (NDManager scope = owner.newSubManager()) {
                    NDArray images = scope.randomUniform(-1, 1, new Shape(batch, c, size, size));
                    Conditioning conditioning = Conditioning.of(scope.randomNormal(new Shape(batch, TextEncoder.DIM)));
                    long t0 = System.nanoTime();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray value;
                        if (call == 0) {
                            try (OpTimes times = OpTimes.record()) {
                                value = loss.loss(denoiser, images, conditioning);
                                forwardKinds.putAll(times.seconds());
                            }
                        } else {
                            value = loss.loss(denoiser, images, conditioning);
                        }
                        long t1 = System.nanoTime();
                        collector.backward(value);
                        long t2 = System.nanoTime();
                        if (call >= 0) {
                            nanos[0] += t1 - t0;
                            nanos[1] += t2 - t1;
                        }
                    }
                    long t3 = System.nanoTime();
                    adam.step(1e-4, MAX_GRADIENT_NORM);
                    long t4 = System.nanoTime();
                    ema.update(call + 1);
                    if (call >= 0) {
                        nanos[2] += t4 - t3;
                        nanos[3] += System.nanoTime() - t4;
                        calls[0]++;
                    }
                }
            });
            Map<String, Double> phases = new LinkedHashMap<>();
            String[] names = {"forward", "backward", "adam", "ema"};
            double measured = 0;
            for (int i = 0; i < names.length; i++) {
                phases.put(names[i], nanos[i] / 1e9 / calls[0]);
                measured += nanos[i] / 1e9 / calls[0];
            }
            phases.put("inputs", perStep - measured); // random images and prompts, scopes
            return new TrainTime(phases, forwardKinds);
        }
    }
}
