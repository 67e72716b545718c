package dev.fewstep.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.testing.TinyModels;
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

class FinetuningTest {
    private static final ImageDataset DATA = TinyModels.data(24, 1, 5);

    @TempDir
    Path dir;

    private static FinetuneConfig config(LoraConfig lora, int steps) {
        return new FinetuneConfig("tiny", "synthetic", null, lora, steps, 4, 1e-2, 1, 0.5, 0.1, 3, steps);
    }

    private static boolean allZero(Tensor t) {
        for (float v : t.data()) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void onlyTheAdaptersLearnAndTheBaseStaysBitIdentical() throws IOException {
        Path teacher = TinyModels.teacher(dir, "tiny", 1);
        Map<String, Tensor> before = SafeTensors.read(teacher.resolve(ModelStore.WEIGHTS)).tensors();
        Path out = dir.resolve("lora");
        try (LoraFinetuning method = new LoraFinetuning(config(new LoraConfig(2, 2, false), 3), DATA,
                DiffusionModel.load(teacher))) {
            long adapters = method.adapters().parameterCount();
            assertThat(adapters).isPositive().isLessThan(method.shipped().parameterCount() / 5);
            new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
            assertThat(Weights.of(method.shipped())).as("the frozen base after 3 updates").isEqualTo(before);
            assertThat(method.adapters().tensors().entrySet()).as("every B moved off zero")
                    .filteredOn(e -> e.getKey().endsWith(".lora_B")).noneMatch(e -> allZero(e.getValue()));
        }
        assertThat(out.resolve(ModelStore.WEIGHTS)).doesNotExist();
        assertThat(out.resolve(Checkpoint.STATE)).exists();
        Lora shipped = Lora.read("lora", out.resolve(Lora.FILE));
        assertThat(shipped.info().baseSha256()).isEqualTo(ModelStore.sha256(teacher.resolve(ModelStore.WEIGHTS)));
        assertThat(shipped.info().step()).isEqualTo(3);
        // The adapter state is a small fraction of a full state: Adam's two moments per adapter parameter only.
        assertThat(SafeTensors.read(out.resolve(Checkpoint.STATE)).tensors()).allSatisfy((name, t) ->
                assertThat(name).matches("(trained|adam\\.[mv])\\..*_[AB]"));
    }

    @Test
    void aResumeContinuesAndAFreshStartDoesNotOverwriteTheAdapters() throws IOException {
        Path teacher = TinyModels.teacher(dir, "tiny", 1);
        Path out = dir.resolve("lora");
        try (LoraFinetuning method = new LoraFinetuning(config(new LoraConfig(2, 2, false), 2), DATA,
                DiffusionModel.load(teacher))) {
            new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
        }
        try (LoraFinetuning method = new LoraFinetuning(config(new LoraConfig(2, 2, false), 2), DATA,
                DiffusionModel.load(teacher))) {
            assertThatThrownBy(() -> new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, LoopListener.NONE,
                    Probe.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--force");
        }
        try (LoraFinetuning method = new LoraFinetuning(config(new LoraConfig(3, 2, false), 4), DATA,
                DiffusionModel.load(teacher))) {
            assertThatThrownBy(() -> new TrainingLoop(out, method).run(TrainingLoop.Start.RESUME, LoopListener.NONE,
                    Probe.NONE)).hasMessageContaining("lora.rank 2 -> 3");
        }
        try (LoraFinetuning method = new LoraFinetuning(config(new LoraConfig(2, 2, false), 4), DATA,
                DiffusionModel.load(teacher))) {
            TrainingLoop.Result result = new TrainingLoop(out, method).run(TrainingLoop.Start.RESUME, LoopListener.NONE,
                    Probe.NONE);
            assertThat(result.iteration()).isEqualTo(4);
            assertThat(result.iterationsRun()).isEqualTo(2);
        }
    }

    @Test
    void theFullBaselineTrainsEveryWeightAndShipsATeacher() throws IOException {
        Path teacher = TinyModels.teacher(dir, "tiny", 1);
        Map<String, Tensor> before = SafeTensors.read(teacher.resolve(ModelStore.WEIGHTS)).tensors();
        Path out = dir.resolve("full");
        try (FullFinetuning method = new FullFinetuning(config(null, 3), DATA, DiffusionModel.load(teacher))) {
            new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
        }
        try (DiffusionModel tuned = DiffusionModel.load(out)) {
            assertThat(tuned.info().kind()).isEqualTo(ModelInfo.TEACHER);
            assertThat(tuned.info().extra()).containsEntry("finetuned_from", "tiny");
            assertThat(Weights.of(tuned.network())).isNotEqualTo(before);
        }
        assertThat(Files.exists(out.resolve(Lora.FILE))).isFalse();
    }
}
