package dev.fewstep.distill.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.testing.TinyModels;
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

class ConsistencyDistillationTest {
    @TempDir
    static Path dir;

    static Path teacherDir;

    @BeforeAll
    static void teacher() throws IOException {
        teacherDir = TinyModels.teacher(dir, "tiny-teacher", 1);
    }

    private static ConsistencyConfig tiny(int iterations, String solver) {
        return new ConsistencyConfig(6, solver, 2.0, 0.0173, 0.95, 1e-3, 0.9, 2, iterations, 1, 2, 2);
    }

    private static TrainingLoop.Result run(ConsistencyConfig config, Path out, TrainingLoop.Start start, DiffusionModel teacher)
            throws IOException {
        try (ConsistencyDistillation method = new ConsistencyDistillation(config, teacher,
                ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS)), TinyModels.data(12, 1, 3))) {
            return new TrainingLoop(out, method).run(start, LoopListener.NONE, Probe.NONE);
        }
    }

    @Test
    void theConsistencyFunctionReturnsItsInputAtSigmaMin() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet network = UNet.create(UNetConfig.tiny(1), manager);
            network.getParameters().values().forEach(p -> p.getArray().addi(manager.randomNormal(p.getArray().getShape()).muli(0.05)));
            NDArray x = manager.randomNormal(new Shape(2, 1, 32, 32));
            NDArray sigma = manager.full(new Shape(2), (float) ConsistencyFunction.SIGMA_MIN);
            NDArray f = ConsistencyFunction.of(network).denoise(x, sigma, Conditioning.unconditional(manager, 2, 384));
            assertThat(f.sub(x).abs().max().getFloat()).isLessThan(1e-6f);
            NDArray atOne = ConsistencyFunction.of(network).denoise(x, manager.ones(new Shape(2)),
                    Conditioning.unconditional(manager, 2, 384));
            assertThat(atOne.sub(x).abs().max().getFloat()).as("away from sigma_min the network counts").isGreaterThan(1e-3f);
        }
    }

    @Test
    void oneIterationMovesTheStudentOnlyAndResumesBitForBit() throws IOException {
        Map<String, Tensor> teacherFile = SafeTensors.read(teacherDir.resolve(ModelStore.WEIGHTS)).tensors();
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(4, "heun"), straight, TrainingLoop.Start.FRESH, teacher);
            run(tiny(2, "heun"), interrupted, TrainingLoop.Start.FRESH, teacher);
            run(tiny(4, "heun"), interrupted, TrainingLoop.Start.RESUME, teacher);
            assertThat(Weights.of(teacher.network())).as("the teacher in memory").isEqualTo(teacherFile);
            assertThatThrownBy(() -> run(tiny(6, "euler"), interrupted, TrainingLoop.Start.RESUME, teacher))
                    .hasMessageContaining("solver \"heun\" -> \"euler\"");
        }
        Map<String, Tensor> state = SafeTensors.read(straight.resolve(Checkpoint.STATE)).tensors();
        assertThat(state).isEqualTo(SafeTensors.read(interrupted.resolve(Checkpoint.STATE)).tensors());
        Map<String, Tensor> student = SafeTensors.read(straight.resolve(Checkpoint.STATE)).tensors();
        assertThat(teacherFile.keySet().stream().anyMatch(k -> !teacherFile.get(k).equals(student.get("student." + k))))
                .as("the student moved").isTrue();
        assertThat(SafeTensors.read(teacherDir.resolve(ModelStore.WEIGHTS)).tensors()).isEqualTo(teacherFile);
    }

    @Test
    void theStudentGeneratesInOneToFourEvaluations() throws IOException {
        Path out = dir.resolve("student");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(1, "euler"), out, TrainingLoop.Start.FRESH, teacher);
        }
        try (DiffusionModel student = DiffusionModel.load(out)) {
            assertThat(student.kind().isTeacher()).isFalse();
            for (int steps : new int[] {1, 2, 4, 18}) {
                Generation.Result result = Generation.generate(student, List.of("stripes"), 3, new Budget("heun", steps, 2),
                        evaluation -> {});
                assertThat(result.nfe()).isEqualTo(Math.min(steps, ConsistencyGenerator.MAX_STEPS));
            }
        }
        assertThat(ConsistencyGenerator.levels(2)).containsExactly(80.0, Math.pow((Math.pow(80, 1 / 7.0)
                + Math.pow(0.002, 1 / 7.0)) / 2, 7));
    }
}
