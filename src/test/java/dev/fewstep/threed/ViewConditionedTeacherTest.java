package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.data.DatasetException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.train.TeacherTraining;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes teacher trains on the training split only, with every image's own camera. */
class ViewConditionedTeacherTest {
    @TempDir
    Path dir;

    @Test
    void trainingRefusesTheHeldOutSplitAndAnyHeldOutCombination() throws Exception {
        MakeShapes.make(dir.resolve("held-out"), 2, 1, 3, SceneSampler.Split.HELD_OUT);
        assertThatThrownBy(() -> ShapesDataset.load(dir.resolve("held-out")).trainingOnly())
                .isInstanceOf(DatasetException.class).hasMessageContaining("held-out split");
        // A file that says "train" but holds a held-out combination (the single parts held out include a blue cone).
        Scene heldOut = Captions.parse("a blue cone");
        assertThat(HeldOut.contains(heldOut)).isTrue();
        Path forged = dir.resolve("forged");
        ShapesDataset.write(forged, 32, new byte[2 * 3 * 32 * 32], List.of(new Camera(0, 0), new Camera(90, 0)),
                List.of("a red cube", "a large blue cone"), 1, "train", 0);
        assertThatThrownBy(() -> ShapesDataset.load(forged).trainingOnly())
                .isInstanceOf(DatasetException.class).hasMessageContaining("a large blue cone");
        MakeShapes.make(dir.resolve("train"), 30, 1, 3, SceneSampler.Split.TRAIN);
        ShapesDataset train = ShapesDataset.load(dir.resolve("train")).trainingOnly();
        assertThat(train.scenes()).hasSize(30).noneMatch(caption -> HeldOut.contains(Captions.parse(caption)));
    }

    @Test
    void aShapesTeacherIsViewConditionedAndSavesEveryImagesCamera() throws Exception {
        MakeShapes.make(dir.resolve("data"), 3, 2, 7, SceneSampler.Split.TRAIN);
        ShapesDataset shapes = ShapesDataset.load(dir.resolve("data")).trainingOnly();
        float[] cameras = shapes.cameraEmbeddings();
        assertThat(cameras).hasSize(6 * 4);
        assertThat(cameras[4 * 5 + 1]).isEqualTo((float) Math.cos(Math.toRadians(shapes.cameras().get(5).azimuthDegrees())));
        assertThatThrownBy(() -> new TeacherTraining(TrainConfig.DEFAULTS, shapes.images(), new float[8]))
                .hasMessageContaining("2 cameras for 6 images");
        TrainConfig config = new TrainConfig("shapes", 2, 2, 1e-3, 10, 0.9, 0.1, 5, 2, 8);
        Path out = dir.resolve("teacher");
        try (TeacherTraining training = new TeacherTraining(config, shapes.images(), cameras)) {
            assertThat(training.networkConfig().cameraDim()).isEqualTo(4);
            new TrainingLoop(out, training).run(TrainingLoop.Start.FRESH, new LoopListener() {
                @Override
                public void started(long firstIteration, long totalIterations) {}

                @Override
                public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
                    assertThat(metrics.get("loss")).isFinite();
                }
            }, Probe.NONE);
        }
        try (DiffusionModel teacher = DiffusionModel.load(out)) {
            assertThat(teacher.info().config().cameraDim()).isEqualTo(4);
            assertThat(teacher.info().step()).isEqualTo(2);
        }
    }

    @Test
    void aResumedShapesTeacherEqualsOneTrainedStraightThrough() throws Exception {
        MakeShapes.make(dir.resolve("data"), 3, 2, 7, SceneSampler.Split.TRAIN);
        ShapesDataset shapes = ShapesDataset.load(dir.resolve("data")).trainingOnly();
        TrainConfig four = new TrainConfig("shapes", 4, 2, 1e-3, 10, 0.9, 0.5, 5, 2, 8);
        TrainConfig two = new TrainConfig("shapes", 2, 2, 1e-3, 10, 0.9, 0.5, 5, 2, 8);
        train(four, shapes, dir.resolve("straight"), TrainingLoop.Start.FRESH);
        train(two, shapes, dir.resolve("resumed"), TrainingLoop.Start.FRESH);
        train(four, shapes, dir.resolve("resumed"), TrainingLoop.Start.RESUME);
        var straight = dev.fewstep.io.SafeTensors.read(dir.resolve("straight/model.safetensors")).tensors();
        var resumed = dev.fewstep.io.SafeTensors.read(dir.resolve("resumed/model.safetensors")).tensors();
        assertThat(resumed.keySet()).isEqualTo(straight.keySet()).contains("06camera_01hidden_weight");
        straight.forEach((name, tensor) -> assertThat(resumed.get(name).data()).as(name).containsExactly(tensor.data()));
    }

    private static void train(TrainConfig config, ShapesDataset shapes, Path out, TrainingLoop.Start start)
            throws Exception {
        try (TeacherTraining training = new TeacherTraining(config, shapes.images(), shapes.cameraEmbeddings())) {
            new TrainingLoop(out, training).run(start, new LoopListener() {
                @Override
                public void started(long firstIteration, long totalIterations) {}

                @Override
                public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {}
            }, Probe.NONE);
        }
    }
}
