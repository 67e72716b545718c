package dev.fewstep.distill.sid;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.util.Map;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the cost of a SiD iteration relative to a teacher training step (batch 32) in the same JVM and under
 * the same machine load, interleaved, so the ratio holds on a busy machine. Not a test; run with
 * {@code java -cp target/test-classes:target/classes:target/lib/* dev.fewstep.distill.sid.SidSpeed TEACHER_DIR [BATCH]}.
 */
public final class SidSpeed {
    public static void main(String[] args) throws Exception {
        Path teacherDir = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int iterations = 4;
        double[][] guidance = {{2, 2, 2}, {2, 1, 1}, {1, 1, 1}};
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            for (int round = 0; round < 2; round++) {
                double step = teacherStepSeconds(teacher, 3);
                StringBuilder line = new StringBuilder(String.format("round %d: teacher train step (batch 32) %.2f s", round, step));
                for (double[] g : guidance) {
                    double seconds = sidIterationSeconds(teacherDir, teacher, batch, iterations, g);
                    line.append(String.format(" | SiD batch %d guidance %s: %.2f s/it = %.2f teacher steps", batch,
                            java.util.Arrays.toString(g), seconds, seconds / step));
                }
                System.out.println(line);
            }
        }
    }

    static double teacherStepSeconds(DiffusionModel teacher, int steps) {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet net = UNet.create(teacher.info().config(), manager);
            Weights.copy(teacher.network(), net);
            Adam adam = new Adam(net, manager, 0.9, 0.999, 1e-8);
            EdmDenoiser denoiser = new EdmDenoiser(net);
            long start = 0;
            for (int i = 0; i <= steps; i++) {
                if (i == 1) {
                    start = System.nanoTime();
                }
                try (NDManager scope = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    var images = scope.randomUniform(-1, 1, new Shape(32, 1, 32, 32));
                    var loss = EdmLoss.paperDefaults().loss(denoiser, images, Conditioning.of(scope.randomNormal(new Shape(32, 384))));
                    collector.backward(loss);
                }
                adam.step(1e-4);
            }
            return (System.nanoTime() - start) / 1e9 / steps;
        }
    }

    static double sidIterationSeconds(Path teacherDir, DiffusionModel teacher, int batch, int iterations, double[] g) throws Exception {
        Path out = Files.createTempDirectory("sid-speed");
        SidConfig config = SidConfigs.defaults().batch(batch).iterations(iterations).intervals(1000, 1000).guidance(g[0], g[1], g[2]).build();
        List<Long> times = new ArrayList<>();
        try (SidDistillation method = new SidDistillation(config, teacher, new SidSetup("speed", "speed", null, null))) {
            new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, new LoopListener() {
                @Override
                public void started(long firstIteration, long totalIterations) {}

                @Override
                public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
                    times.add(System.nanoTime());
                }
            }, Probe.NONE);
        }
        return (times.get(times.size() - 1) - times.get(0)) / 1e9 / (times.size() - 1);
    }
}
