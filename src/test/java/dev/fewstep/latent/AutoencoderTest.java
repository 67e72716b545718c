package dev.fewstep.latent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderTest {
    @TempDir
    Path dir;

    @Test
    void encoderAndDecoderShapesFollowTheFactor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int factor : new int[] {4, 8}) {
                Autoencoder autoencoder = Autoencoder.create(AutoencoderConfig.tiny(64, factor), manager);
                NDArray x = manager.randomUniform(-1, 1, new Shape(2, 3, 64, 64));
                DiagonalGaussian posterior = autoencoder.encode(x);
                assertThat(posterior.mean().getShape()).isEqualTo(new Shape(2, 4, 64 / factor, 64 / factor));
                assertThat(posterior.logVariance().getShape()).isEqualTo(posterior.mean().getShape());
                assertThat(autoencoder.decode(posterior.mean()).getShape()).isEqualTo(x.getShape());
            }
        }
    }

    @Test
    void klIsZeroForTheStandardNormalAndHalfTheSquaredMeanOtherwise() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray zeros = manager.zeros(new Shape(2, 8, 4, 4)); // μ = 0, log σ² = 0
            assertThat(new DiagonalGaussian(zeros).kl().getFloat()).isCloseTo(0f, within(1e-7f));
            NDArray meanTwo = manager.zeros(new Shape(2, 8, 4, 4));
            meanTwo.set(new ai.djl.ndarray.index.NDIndex(":, :4"), 2f); // μ = 2, σ = 1: ½ μ² = 2
            assertThat(new DiagonalGaussian(meanTwo).kl().getFloat()).isCloseTo(2f, within(1e-6f));
        }
    }

    @Test
    void edgeTermIgnoresAConstantShiftThatL1Counts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomUniform(-1, 1, new Shape(2, 3, 16, 16));
            NDArray shifted = x.add(0.25f);
            assertThat(AutoencoderLoss.edgeDistance(x, shifted).getFloat()).isCloseTo(0f, within(1e-6f));
            NDArray posteriorMoments = manager.zeros(new Shape(2, 8, 4, 4));
            AutoencoderLoss.Terms terms = new AutoencoderLoss(1.0, 0.0).loss(x, shifted, new DiagonalGaussian(posteriorMoments));
            assertThat(terms.l1().getFloat()).isCloseTo(0.25f, within(1e-5f));
            assertThat(terms.total().getFloat()).isCloseTo(0.25f, within(1e-5f));
        }
    }

    @Test
    void psnrOfAUniformErrorOfATenthIsTwentyDecibels() {
        float[] a = new float[3 * 4 * 4];
        float[] b = new float[a.length];
        java.util.Arrays.fill(b, 0.2f); // 0.2 in [-1, 1] is 0.1 in [0, 1]: MSE 0.01
        assertThat(Reconstruction.psnr(a, b, a.length)).isCloseTo(20.0, within(1e-4));
        assertThatThrownBy(() -> Reconstruction.psnr(a, new float[3], a.length)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTinyAutoencoderLearnsToReconstructHeldOutPatterns() throws IOException {
        ImageDataset data = TinyLatent.data(48, 1);
        AutoencoderTrainConfig config = new AutoencoderTrainConfig("synthetic", AutoencoderConfig.tiny(32, 4),
                AutoencoderLoss.DEFAULTS, 60, 8, 3e-3, 10, 0.9, 3, 60);
        double before;
        try (AutoencoderTraining training = new AutoencoderTraining(config, data)) {
            assertThat(training.heldOutImages().count()).isEqualTo(12);
            before = Reconstruction.psnr(training.averaged(), training.heldOutImages(), training.manager());
            TrainingLoop.Result result = new TrainingLoop(dir.resolve("ae"), training)
                    .run(TrainingLoop.Start.FRESH, LoopListener.NONE, training.probe());
            assertThat(result.lastProbe().get("psnr")).isGreaterThan(before + 8);
        }
        try (AutoencoderFile.Loaded loaded = AutoencoderFile.load(dir.resolve("ae"))) {
            double after = Reconstruction.psnr(loaded.autoencoder(), HeldOut.heldOut(data), loaded.manager());
            assertThat(after).as("held-out PSNR of the saved file, from %.1f dB at initialisation", before)
                    .isGreaterThan(before + 8);
            assertThat(loaded.info().extra().get("held_out_psnr")).isEqualTo(String.format("%.2f", after));
            assertThat(loaded.info().step()).isEqualTo(60);
        }
    }

    @Test
    void aResumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws IOException {
        ImageDataset data = TinyLatent.data(16, 2);
        AutoencoderTrainConfig four = new AutoencoderTrainConfig("synthetic", AutoencoderConfig.tiny(32, 4),
                AutoencoderLoss.DEFAULTS, 4, 4, 1e-3, 2, 0.9, 5, 2);
        AutoencoderTrainConfig two = new AutoencoderTrainConfig("synthetic", four.network(), four.loss(), 2, 4, 1e-3, 2,
                0.9, 5, 2);
        try (AutoencoderTraining training = new AutoencoderTraining(four, data)) {
            new TrainingLoop(dir.resolve("straight"), training).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
        }
        try (AutoencoderTraining training = new AutoencoderTraining(two, data)) {
            new TrainingLoop(dir.resolve("resumed"), training).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
        }
        try (AutoencoderTraining training = new AutoencoderTraining(four, data)) {
            new TrainingLoop(dir.resolve("resumed"), training).run(TrainingLoop.Start.RESUME, LoopListener.NONE, Probe.NONE);
        }
        var straight = SafeTensors.read(dir.resolve("straight").resolve(AutoencoderFile.FILE)).tensors();
        var resumed = SafeTensors.read(dir.resolve("resumed").resolve(AutoencoderFile.FILE)).tensors();
        assertThat(resumed.keySet()).isEqualTo(straight.keySet());
        straight.forEach((name, tensor) -> assertThat(resumed.get(name).data()).as(name).isEqualTo(tensor.data()));
        AutoencoderTrainConfig otherLoss = new AutoencoderTrainConfig("synthetic", four.network(),
                new AutoencoderLoss(0.5, 1e-5), 6, 4, 1e-3, 2, 0.9, 5, 2);
        try (AutoencoderTraining training = new AutoencoderTraining(otherLoss, data)) {
            assertThatThrownBy(() -> new TrainingLoop(dir.resolve("resumed"), training)
                    .run(TrainingLoop.Start.RESUME, LoopListener.NONE, Probe.NONE))
                    .isInstanceOf(dev.fewstep.io.CheckpointException.class).hasMessageContaining("loss.edgeWeight 1.0 -> 0.5");
        }
    }
}
