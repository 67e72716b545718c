package dev.fewstep.distill.codi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.distill.consistency.ConsistencyConfig;
import dev.fewstep.distill.consistency.ConsistencyFunction;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Control;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.train.loop.Checkpoint;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A conditional teacher (train-adapter) and CoDi on it, end to end on a tiny network. */
class CodiTest {
    @TempDir
    static Path dir;

    static Path teacherDir;
    static Path controlledDir;

    @BeforeAll
    static void conditionalTeacher() throws IOException {
        teacherDir = TinyModels.teacher(dir, "tiny-teacher", 1);
        controlledDir = dir.resolve("tiny-sr");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir);
                AdapterTraining training = new AdapterTraining(new AdapterConfig("superres", 2, 2, 1e-3, 1, 0.9, 0.1, 1, 1),
                        teacher, digest(teacherDir), TinyModels.data(12, 1, 3))) {
            new TrainingLoop(controlledDir, training).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
        }
    }

    private static String digest(Path model) throws IOException {
        return ModelStore.sha256(model.resolve(ModelStore.WEIGHTS));
    }

    private static Control sharedCondition(int channels) {
        float[] c = new float[channels * 32 * 32];
        for (int i = 0; i < c.length; i++) {
            c[i] = (i % 7) / 3f - 1;
        }
        return Control.of(c, channels, 32);
    }

    @Test
    void theAdapterTrainsOnAFrozenTeacherAndShipsAsAConditionalTeacher() throws IOException {
        Map<String, Tensor> teacherFile = SafeTensors.read(teacherDir.resolve(ModelStore.WEIGHTS)).tensors();
        Map<String, Tensor> shipped = SafeTensors.read(controlledDir.resolve(ModelStore.WEIGHTS)).tensors();
        teacherFile.forEach((name, tensor) -> assertThat(shipped.get(name)).as(name).isEqualTo(tensor));
        Map<String, Tensor> state = SafeTensors.read(controlledDir.resolve(Checkpoint.STATE)).tensors();
        assertThat(state.keySet()).allMatch(name -> name.startsWith("raw.") || name.startsWith("adam."));
        try (DiffusionModel controlled = DiffusionModel.load(controlledDir)) {
            assertThat(controlled.info().kind()).isEqualTo(ControlledKinds.CONTROLLED);
            assertThat(controlled.kind().isTeacher()).isTrue();
            Generation.Result result = Generation.generate(controlled, List.of("stripes", "stripes"), 3,
                    new Budget("dpmpp2m", 3, 2.0), null, sharedCondition(1), evaluation -> {});
            assertThat(result.nfe()).isEqualTo(3);
            assertThat(result.count()).isEqualTo(2);
            assertThatThrownBy(() -> Generation.generate(controlled, List.of("stripes"), 3, new Budget("euler", 1, 1.0),
                    evaluation -> {})).hasMessageContaining("needs a condition image");
        }
    }

    private static CodiConfig tiny(int iterations, boolean parameterEfficient) {
        return new CodiConfig(new ConsistencyConfig(6, "euler", 2.0, 0.0173, 0.95, 1e-3, 0.9, 2, iterations, 1, 2, 2), 1.0,
                parameterEfficient);
    }

    private static void distil(CodiConfig config, Path out) throws IOException {
        try (DiffusionModel teacher = DiffusionModel.load(controlledDir);
                CodiDistillation method = new CodiDistillation(config, teacher, digest(controlledDir), TinyModels.data(12, 1, 3))) {
            new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
        }
    }

    @Test
    void codiMovesTheStudentOnlyAndTheStudentGeneratesInOneToFourSteps() throws IOException {
        Map<String, Tensor> teacherFile = SafeTensors.read(controlledDir.resolve(ModelStore.WEIGHTS)).tensors();
        for (boolean parameterEfficient : new boolean[] {false, true}) {
            Path out = dir.resolve(parameterEfficient ? "codi-pe" : "codi");
            distil(tiny(2, parameterEfficient), out);
            assertThat(SafeTensors.read(controlledDir.resolve(ModelStore.WEIGHTS)).tensors()).isEqualTo(teacherFile);
            Map<String, Tensor> student = SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).tensors();
            assertThat(student.keySet()).isEqualTo(teacherFile.keySet());
            boolean backboneMoved = teacherFile.keySet().stream().filter(name -> !name.contains("copy") && !name.contains("hint")
                    && !name.contains("zero")).anyMatch(name -> !teacherFile.get(name).equals(student.get(name)));
            boolean adapterMoved = teacherFile.keySet().stream().filter(name -> name.contains("zero"))
                    .anyMatch(name -> !teacherFile.get(name).equals(student.get(name)));
            assertThat(adapterMoved).as("the adapter moved").isTrue();
            assertThat(backboneMoved).as("the backbone moved (full CoDi only)").isEqualTo(!parameterEfficient);
            try (DiffusionModel codi = DiffusionModel.load(out)) {
                assertThat(codi.kind().isTeacher()).isFalse();
                for (int steps : new int[] {1, 2, 4}) {
                    Generation.Result result = Generation.generate(codi, List.of("stripes"), 3, new Budget(null, steps, 1),
                            null, sharedCondition(1), evaluation -> {});
                    assertThat(result.nfe()).isEqualTo(steps);
                }
            }
        }
    }

    @Test
    void theCodiStudentReturnsItsInputAtSigmaMin() throws IOException {
        distil(tiny(1, false), dir.resolve("codi-boundary"));
        try (DiffusionModel codi = DiffusionModel.load(dir.resolve("codi-boundary"));
                NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(2, 1, 32, 32));
            Conditioning c = Conditioning.unconditional(manager, 2, 384)
                    .withControl(manager.randomUniform(-1, 1, new Shape(2, 1, 32, 32)));
            NDArray atMin = codi.denoiser().denoise(x, manager.full(new Shape(2), (float) ConsistencyFunction.SIGMA_MIN), c);
            assertThat(atMin.sub(x).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void codiRefusesATeacherWithoutAnAdapter() throws IOException {
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            assertThatThrownBy(() -> new CodiDistillation(tiny(1, false), teacher, digest(teacherDir),
                    TinyModels.data(12, 1, 3))).hasMessageContaining("conditional teacher");
        }
    }

    @Test
    void theAdapterCopiesTheTeachersEncoder() throws IOException {
        try (DiffusionModel controlled = DiffusionModel.load(controlledDir); NDManager manager = NDManager.newBaseManager()) {
            var adapter = dev.fewstep.nn.ControlAdapter.of(controlled.network(), 1, manager);
            assertThat(Weights.of(adapter).keySet()).anyMatch(name -> name.contains("copy"));
        }
    }
}
