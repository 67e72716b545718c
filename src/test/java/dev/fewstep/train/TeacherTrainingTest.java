package dev.fewstep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.loop.Checkpoint;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherTrainingTest {
    @TempDir
    Path dir;

    private static final ImageDataset DATA = TinyModels.data(60, 1, 3);

    /** A tiny network, short warm-up and a fast EMA, so a few dozen steps show. */
    private static TrainConfig config(int steps) {
        return new TrainConfig("synthetic", steps, 8, 1e-3, 10, 0.9, 0.1, 5, 10, 8);
    }

    /** The EDM loss of a denoiser on a fixed batch, fixed noise levels and fixed noise. */
    private static double fixedLoss(Denoiser denoiser, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            m.getEngine().setRandomSeed(42);
            float[] images = new float[30 * DATA.imageLength()];
            float[] text = new float[30 * TextEncoder.DIM];
            for (int i = 0; i < 30; i++) {
                DATA.copyImage(i, images, i * DATA.imageLength());
                System.arraycopy(TextEncoder.get().embed(DATA.prompt(i)), 0, text, i * TextEncoder.DIM, TextEncoder.DIM);
            }
            NDArray x = m.create(images, new Shape(30, 1, 32, 32));
            Conditioning c = Conditioning.of(m.create(text, new Shape(30, TextEncoder.DIM)));
            double sum = 0;
            for (int repeat = 0; repeat < 4; repeat++) {
                sum += EdmLoss.paperDefaults().loss(denoiser, x, c).getFloat();
            }
            return sum / 4;
        }
    }

    @Test
    void aShortTrainingRunLowersTheLoss() throws IOException {
        Path out = dir.resolve("teacher");
        double before;
        try (TeacherTraining training = new TeacherTraining(config(60), DATA); NDManager manager = NDManager.newBaseManager()) {
            before = fixedLoss(new EdmDenoiser(UNet.create(training.networkConfig(), manager)), manager);
        }
        train(config(60), out, false, LoopListener.NONE);
        try (DiffusionModel trained = DiffusionModel.load(out)) {
            double after = fixedLoss(trained.denoiser(), trained.manager());
            assertThat(after).isLessThan(0.8 * before);
            assertThat(trained.info().step()).isEqualTo(60);
            assertThat(trained.info().prompts()).isEqualTo(TinyModels.PROMPTS);
        }
    }

    @Test
    void aResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws IOException {
        Path straight = dir.resolve("straight");
        train(config(20), straight, false, LoopListener.NONE);
        Path interrupted = dir.resolve("interrupted");
        train(config(10), interrupted, false, LoopListener.NONE);
        train(config(20), interrupted, true, LoopListener.NONE);

        Map<String, Tensor> a = SafeTensors.read(straight.resolve(ModelStore.WEIGHTS)).tensors();
        Map<String, Tensor> b = SafeTensors.read(interrupted.resolve(ModelStore.WEIGHTS)).tensors();
        assertThat(b).isEqualTo(a);
        assertThat(SafeTensors.read(interrupted.resolve(Checkpoint.STATE)).tensors())
                .isEqualTo(SafeTensors.read(straight.resolve(Checkpoint.STATE)).tensors());
    }

    @Test
    void aStopRequestSavesTheStepItStoppedAtAndResumingEndsWithTheSameWeights() throws IOException {
        // What Ctrl-C does through the CLI's listener: the run ends after step 7, between checkpoints.
        LoopListener stopAfterSeven = new LoopListener() {
            private long step;

            @Override
            public void started(long firstStep, long totalSteps) {}

            @Override
            public void iterated(long step, Map<String, Double> metrics, double secondsPerIteration) {
                this.step = step;
            }

            @Override
            public boolean stopRequested() {
                return step >= 7;
            }
        };
        Path straight = dir.resolve("straight");
        assertThat(train(config(12), straight, false, LoopListener.NONE).stopped()).isFalse();
        Path stopped = dir.resolve("stopped");
        TrainingLoop.Result early = train(config(12), stopped, false, stopAfterSeven);
        assertThat(early.stopped()).isTrue();
        assertThat(early.iteration()).isEqualTo(7);
        assertThat(ModelInfo.fromMetadata(SafeTensors.read(stopped.resolve(ModelStore.WEIGHTS)).metadata(), "x").step()).isEqualTo(7);
        TrainingLoop.Result rest = train(config(12), stopped, true, LoopListener.NONE);
        assertThat(rest.stopped()).isFalse();
        assertThat(rest.iteration()).isEqualTo(12);
        assertThat(rest.iterationsRun()).isEqualTo(5);
        assertThat(SafeTensors.read(stopped.resolve(Checkpoint.STATE)).tensors())
                .isEqualTo(SafeTensors.read(straight.resolve(Checkpoint.STATE)).tensors());
    }

    @Test
    void aStopRequestDuringTheLastStepOrAfterTheEndIsNotAnEarlyStop() throws IOException {
        LoopListener alwaysStop = new LoopListener() {
            @Override
            public void started(long firstStep, long totalSteps) {}

            @Override
            public void iterated(long step, Map<String, Double> metrics, double secondsPerIteration) {}

            @Override
            public boolean stopRequested() {
                return true;
            }
        };
        Path out = dir.resolve("one-step");
        TrainingLoop.Result last = train(config(1), out, false, alwaysStop);
        assertThat(last.stopped()).isFalse();
        assertThat(last.iteration()).isEqualTo(1);
        TrainingLoop.Result complete = train(config(1), out, true, alwaysStop);
        assertThat(complete.stopped()).isFalse();
        assertThat(complete.iteration()).isEqualTo(1);
        assertThat(complete.iterationsRun()).isZero();
        assertThat(complete.means()).isEmpty();
    }

    @Test
    void trainingIntoAnExistingModelNeedsResume() throws IOException {
        Path out = dir.resolve("once");
        train(config(10), out, false, LoopListener.NONE);
        Map<String, Tensor> saved = SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).tensors();
        assertThatThrownBy(() -> train(config(10), out, false, LoopListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resume");
        assertThat(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).tensors()).isEqualTo(saved);
    }

    @Test
    void resumeWithoutATrainingStateRefusesAndLeavesTheModelAsItWas() throws IOException {
        Path out = dir.resolve("shipped");
        train(config(4), out, false, LoopListener.NONE);
        Files.delete(out.resolve(Checkpoint.STATE)); // as a shipped model folder: weights and log, no state
        byte[] weights = Files.readAllBytes(out.resolve(ModelStore.WEIGHTS));
        byte[] log = Files.readAllBytes(out.resolve(TeacherTraining.LOG));
        assertThatThrownBy(() -> train(config(8), out, true, LoopListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no training state")
                .hasMessageContaining("nothing was written");
        assertThat(Files.readAllBytes(out.resolve(ModelStore.WEIGHTS))).isEqualTo(weights);
        assertThat(Files.readAllBytes(out.resolve(TeacherTraining.LOG))).isEqualTo(log);
        assertThat(out.resolve(Checkpoint.STATE)).doesNotExist();
    }

    @Test
    void resumeRefusesAChangedBatchAndForceReplacesAModel() throws IOException {
        Path out = dir.resolve("batch");
        train(config(4), out, false, LoopListener.NONE);
        TrainConfig otherBatch = new TrainConfig("synthetic", 8, 4, 1e-3, 10, 0.9, 0.1, 5, 10, 8);
        assertThatThrownBy(() -> train(otherBatch, out, true, LoopListener.NONE))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("batch 8 -> 4");
        try (TeacherTraining training = new TeacherTraining(otherBatch, DATA)) {
            TrainingLoop.Result replaced = new TrainingLoop(out, training).run(TrainingLoop.Start.REPLACE, LoopListener.NONE,
                    Probe.NONE);
            assertThat(replaced.iteration()).isEqualTo(8);
        }
    }

    private static TrainingLoop.Result train(TrainConfig config, Path out, boolean resume, LoopListener listener)
            throws IOException {
        try (TeacherTraining training = new TeacherTraining(config, DATA)) {
            return new TrainingLoop(out, training).run(resume ? TrainingLoop.Start.RESUME : TrainingLoop.Start.FRESH,
                    listener, Probe.NONE);
        }
    }

    @Test
    void emaAveragesTowardsTheWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet source = UNet.create(dev.fewstep.nn.UNetConfig.tiny(1), manager);
            UNet average = UNet.create(dev.fewstep.nn.UNetConfig.tiny(1), manager);
            Ema ema = new Ema(source, average, Ema.decay(0.5));
            assertThat(Weights.of(average)).isEqualTo(Weights.of(source));
            source.getParameters().values().forEach(p -> p.getArray().addi(2f));
            ema.update(1000); // beta = min(0.5, ...) = 0.5: halfway
            var s = source.getParameters().get(0).getValue().getArray().toFloatArray();
            var e = average.getParameters().get(0).getValue().getArray().toFloatArray();
            assertThat(e[0]).isCloseTo(s[0] - 1f, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }
}
