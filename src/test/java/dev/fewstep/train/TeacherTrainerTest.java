package dev.fewstep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.diffusion.EdmLoss;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.text.TextEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherTrainerTest {
    @TempDir
    Path dir;

    private static final ImageDataset DATA = TinyModels.data(60, 1, 3);

    /** A tiny network, short warm-up and a fast EMA, so a few dozen steps show. */
    private static TrainConfig config(int steps) {
        return new TrainConfig("synthetic", steps, 8, 1e-3, 10, 0.9, 0.1, 5, 10, 8);
    }

    /** The EDM loss of a denoiser on a fixed batch, fixed noise levels and fixed noise. */
    private static double fixedLoss(EdmDenoiser denoiser, NDManager manager) {
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
        TeacherTrainer trainer = new TeacherTrainer(config(60), DATA, out);
        double before;
        try (NDManager manager = NDManager.newBaseManager()) {
            before = fixedLoss(new EdmDenoiser(UNet.create(trainer.networkConfig(), manager)), manager);
        }
        trainer.train(false, TrainingListener.NONE);
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
        new TeacherTrainer(config(20), DATA, straight).train(false, TrainingListener.NONE);
        Path interrupted = dir.resolve("interrupted");
        new TeacherTrainer(config(10), DATA, interrupted).train(false, TrainingListener.NONE);
        new TeacherTrainer(config(20), DATA, interrupted).train(true, TrainingListener.NONE);

        Map<String, Tensor> a = SafeTensors.read(straight.resolve(ModelStore.WEIGHTS)).tensors();
        Map<String, Tensor> b = SafeTensors.read(interrupted.resolve(ModelStore.WEIGHTS)).tensors();
        assertThat(b).isEqualTo(a);
        assertThat(SafeTensors.read(interrupted.resolve(TeacherTrainer.STATE)).tensors())
                .isEqualTo(SafeTensors.read(straight.resolve(TeacherTrainer.STATE)).tensors());
    }

    @Test
    void aStopRequestSavesTheStepItStoppedAtAndResumingEndsWithTheSameWeights() throws IOException {
        // What Ctrl-C does through the CLI's listener: the run ends after step 7, between checkpoints.
        TrainingListener stopAfterSeven = new TrainingListener() {
            private long step;

            @Override
            public void started(long firstStep, long totalSteps) {}

            @Override
            public void stepped(long step, double loss, double stepsPerSecond) {
                this.step = step;
            }

            @Override
            public boolean stopRequested() {
                return step >= 7;
            }
        };
        Path straight = dir.resolve("straight");
        assertThat(new TeacherTrainer(config(12), DATA, straight).train(false, TrainingListener.NONE).stopped()).isFalse();
        Path stopped = dir.resolve("stopped");
        TeacherTrainer.Result early = new TeacherTrainer(config(12), DATA, stopped).train(false, stopAfterSeven);
        assertThat(early.stopped()).isTrue();
        assertThat(early.step()).isEqualTo(7);
        assertThat(ModelInfo.fromMetadata(SafeTensors.read(stopped.resolve(ModelStore.WEIGHTS)).metadata(), "x").step()).isEqualTo(7);
        TeacherTrainer.Result rest = new TeacherTrainer(config(12), DATA, stopped).train(true, TrainingListener.NONE);
        assertThat(rest.stopped()).isFalse();
        assertThat(rest.step()).isEqualTo(12);
        assertThat(rest.stepsRun()).isEqualTo(5);
        assertThat(SafeTensors.read(stopped.resolve(TeacherTrainer.STATE)).tensors())
                .isEqualTo(SafeTensors.read(straight.resolve(TeacherTrainer.STATE)).tensors());
    }

    @Test
    void aStopRequestDuringTheLastStepOrAfterTheEndIsNotAnEarlyStop() throws IOException {
        TrainingListener alwaysStop = new TrainingListener() {
            @Override
            public void started(long firstStep, long totalSteps) {}

            @Override
            public void stepped(long step, double loss, double stepsPerSecond) {}

            @Override
            public boolean stopRequested() {
                return true;
            }
        };
        Path out = dir.resolve("one-step");
        TeacherTrainer.Result last = new TeacherTrainer(config(1), DATA, out).train(false, alwaysStop);
        assertThat(last.stopped()).isFalse();
        assertThat(last.step()).isEqualTo(1);
        TeacherTrainer.Result complete = new TeacherTrainer(config(1), DATA, out).train(true, alwaysStop);
        assertThat(complete.stopped()).isFalse();
        assertThat(complete.step()).isEqualTo(1);
        assertThat(complete.stepsRun()).isZero();
        assertThat(complete.smoothedLoss()).isNaN();
    }

    @Test
    void trainingIntoAnExistingModelNeedsResume() throws IOException {
        Path out = dir.resolve("once");
        new TeacherTrainer(config(10), DATA, out).train(false, TrainingListener.NONE);
        Map<String, Tensor> saved = SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).tensors();
        assertThatThrownBy(() -> new TeacherTrainer(config(10), DATA, out).train(false, TrainingListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resume");
        assertThat(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).tensors()).isEqualTo(saved);
    }

    @Test
    void emaAveragesTowardsTheWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet source = UNet.create(dev.fewstep.nn.UNetConfig.tiny(1), manager);
            UNet average = UNet.create(dev.fewstep.nn.UNetConfig.tiny(1), manager);
            Ema ema = new Ema(source, average, 0.5);
            assertThat(Weights.of(average)).isEqualTo(Weights.of(source));
            source.getParameters().values().forEach(p -> p.getArray().addi(2f));
            ema.update(1000); // beta = min(0.5, ...) = 0.5: halfway
            var s = source.getParameters().get(0).getValue().getArray().toFloatArray();
            var e = average.getParameters().get(0).getValue().getArray().toFloatArray();
            assertThat(e[0]).isCloseTo(s[0] - 1f, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }
}
