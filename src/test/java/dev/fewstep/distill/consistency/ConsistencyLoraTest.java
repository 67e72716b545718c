package dev.fewstep.distill.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.lora.Adapters;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.nn.lora.LoraInfo;
import dev.fewstep.nn.lora.LoraModels;
import dev.fewstep.nn.lora.LoraSpec;
import dev.fewstep.nn.lora.LoraStore;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.loop.Checkpoint;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsistencyLoraTest {
    private static final LoraConfig RANK_2 = new LoraConfig(2, 2, false);
    private static final List<String> PROMPTS = List.of("stripes", "dark square");

    @TempDir
    static Path dir;

    static Path teacherDir;
    static String teacherSha;

    @BeforeAll
    static void teacher() throws IOException {
        teacherDir = TinyModels.teacher(dir, "tiny-teacher", 1);
        teacherSha = ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
    }

    private static ConsistencyConfig tiny(int iterations) {
        return new ConsistencyConfig(6, "euler", 2.0, 0.0173, 0.95, 1e-2, 0.9, 2, iterations, 1, 2, 2);
    }

    private static ConsistencyLoraDistillation method(ConsistencyConfig config, DiffusionModel teacher) {
        return new ConsistencyLoraDistillation(config, RANK_2, teacher, teacherSha, TinyModels.data(12, 1, 3));
    }

    private static TrainingLoop.Result run(ConsistencyConfig config, Path out, TrainingLoop.Start start) throws IOException {
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir);
                ConsistencyLoraDistillation method = method(config, teacher)) {
            return new TrainingLoop(out, method).run(start, LoopListener.NONE, Probe.NONE);
        }
    }

    /** The teacher's own network read as a consistency function, sampled in {@code steps} at seeds 5, 6. */
    private static float[] teacherAsConsistencyModel(DiffusionModel teacher, int steps, NDManager scope) {
        return new Snapshot(new ConsistencyGenerator(ConsistencyFunction.of(teacher.network())), new Budget(null, steps, 1),
                scope, PROMPTS, 1, 32).generate(PROMPTS, 5);
    }

    @Test
    void zeroInitialisedConsistencyLoraIsTheTeachersConsistencyFunctionBitForBit() throws IOException {
        float[] expected;
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir);
                ConsistencyLoraDistillation method = method(tiny(2), teacher);
                NDManager scope = NDManager.newBaseManager()) {
            expected = teacherAsConsistencyModel(teacher, 2, scope);
            assertThat(method.snapshot(scope).generate(PROMPTS, 5)).as("the shipped average before training")
                    .isEqualTo(expected);
            Path file = dir.resolve("zero-cd-lora").resolve(Lora.FILE);
            Files.createDirectories(file.getParent());
            Lora.write(file, method.adapters().tensors(), new LoraInfo("tiny-teacher", teacherSha, RANK_2, "synthetic", 0,
                    Map.of(), ConsistencyDistillation.NAME));
        }
        try (DiffusionModel applied = LoraModels.load(teacherDir.toString(),
                List.of(LoraSpec.parse(dir.resolve("zero-cd-lora").toString())));
                NDManager scope = NDManager.newBaseManager()) {
            assertThat(applied.info().kind()).isEqualTo(ConsistencyDistillation.NAME);
            assertThat(Weights.of(applied.network())).isEqualTo(SafeTensors.read(teacherDir.resolve(ModelStore.WEIGHTS)).tensors());
            assertThat(new Snapshot(applied.generator(), new Budget(null, 2, 1), scope, PROMPTS, 1, 32).generate(PROMPTS, 5))
                    .as("teacher + zero consistency LoRA, through generate --lora").isEqualTo(expected);
        }
    }

    @Test
    void onlyTheAdaptersLearnAndAResumeIsBitForBit() throws IOException {
        Map<String, Tensor> teacherFile = SafeTensors.read(teacherDir.resolve(ModelStore.WEIGHTS)).tensors();
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir);
                ConsistencyLoraDistillation method = method(tiny(2), teacher)) {
            new TrainingLoop(dir.resolve("one"), method).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
            for (Parameter p : method.adapters().getParameters().values()) {
                assertThat(p.requiresGradient()).as(p.getName()).isTrue();
            }
            assertThat(method.adapters().updates().values().stream()
                    .anyMatch(u -> u.up().getArray().abs().sum().getFloat() > 0)).as("B left zero").isTrue();
            assertThat(Weights.of(method.student())).as("the frozen copy under the adapters").isEqualTo(teacherFile);
            assertThat(method.student().getParameters().values().stream().noneMatch(Parameter::requiresGradient)).isTrue();
            assertThat(Weights.of(teacher.network())).as("the teacher in memory").isEqualTo(teacherFile);
        }
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        run(tiny(4), straight, TrainingLoop.Start.FRESH);
        run(tiny(2), interrupted, TrainingLoop.Start.FRESH);
        run(tiny(4), interrupted, TrainingLoop.Start.RESUME);
        Map<String, Tensor> state = SafeTensors.read(straight.resolve(Checkpoint.STATE)).tensors();
        assertThat(state).isEqualTo(SafeTensors.read(interrupted.resolve(Checkpoint.STATE)).tensors());
        assertThat(state.keySet()).allMatch(k -> k.startsWith("adapters.") || k.startsWith("target.") || k.startsWith("adam."));
        assertThat(SafeTensors.read(straight.resolve(Lora.FILE)).tensors())
                .isEqualTo(SafeTensors.read(interrupted.resolve(Lora.FILE)).tensors());
        Lora shipped = LoraStore.read(straight.toString());
        assertThat(shipped.info().modelKind()).isEqualTo(ConsistencyDistillation.NAME);
        assertThat(shipped.info().baseSha256()).isEqualTo(teacherSha);
        assertThat(shipped.info().step()).isEqualTo(4);
        try (DiffusionModel applied = LoraModels.load(teacherDir.toString(), List.of(LoraSpec.parse(straight.toString())))) {
            for (int steps : new int[] {1, 2, 4}) {
                assertThat(Generation.generate(applied, PROMPTS, 0, new Budget("heun", steps, 2), e -> {}).nfe())
                        .isEqualTo(steps);
            }
        }
    }

    @Test
    void aConsistencyLoraAddsToAStyleLoraOnTheSameBaseAndRefusesAnotherBase() throws IOException {
        Path trained = dir.resolve("cd-lora");
        run(tiny(2), trained, TrainingLoop.Start.FRESH);
        Path style = dir.resolve("style-lora").resolve(Lora.FILE);
        Files.createDirectories(style.getParent());
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir); NDManager manager = NDManager.newBaseManager()) {
            Adapters adapters = Adapters.create(teacher.network(), RANK_2, manager);
            adapters.updates().values().forEach(u -> u.up().getArray().addi(0.1f));
            Lora.write(style, adapters.tensors(), new LoraInfo("tiny-teacher", teacherSha, RANK_2, "synthetic", 1, Map.of()));
        }
        List<LoraSpec> both = List.of(LoraSpec.parse(style.getParent().toString()), LoraSpec.parse(trained.toString()));
        try (DiffusionModel applied = LoraModels.load(teacherDir.toString(), both)) {
            assertThat(applied.info().kind()).isEqualTo(ConsistencyDistillation.NAME);
            assertThat(Generation.generate(applied, PROMPTS, 0, new Budget(null, 4, 1), e -> {}).nfe()).isEqualTo(4);
        }

        Path other = TinyModels.teacherWithoutPrompts(dir.resolve("elsewhere"), "tiny-teacher"); // same shapes, other file
        assertThatThrownBy(() -> LoraModels.load(other.toString(), List.of(LoraSpec.parse(trained.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was trained on tiny-teacher (sha256 " + teacherSha.substring(0, 10))
                .hasMessageContaining("refused");
        Path student = TinyModels.oneStep(dir, "tiny-student", 1);
        assertThatThrownBy(() -> LoraModels.load(student.toString(), List.of(LoraSpec.parse(trained.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("makes a 'cd' model of a teacher");
    }

    @Test
    void theCommandRefusesLoraOptionsWithoutARank() {
        Path out = dir.resolve("cli-cd-lora");
        assertThat(dev.fewstep.cli.Main.run("distill", "consistency", "--teacher", teacherDir.toString(), "--lora-alpha", "2",
                "--out", out.toString())).as("--lora-alpha without --lora-rank").isEqualTo(dev.fewstep.cli.Main.BAD_INPUT);
        assertThat(dev.fewstep.cli.Main.run("distill", "consistency", "--teacher", teacherDir.toString(), "--lora-rank", "0",
                "--out", out.toString())).isEqualTo(dev.fewstep.cli.Main.BAD_INPUT);
        assertThat(out).doesNotExist();
    }
}
