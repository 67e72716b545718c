package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.lora.Adapters;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.nn.lora.LoraInfo;
import dev.fewstep.nn.lora.LoraSpec;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraRequestTest {
    @TempDir
    Path models;

    private void adapter(String name, Path base) throws IOException {
        Path dir = models.resolve(name);
        Files.createDirectories(dir);
        try (DiffusionModel loaded = DiffusionModel.load(base); NDManager manager = NDManager.newBaseManager()) {
            Adapters adapters = Adapters.create(loaded.network(), new LoraConfig(2, 2, false), manager);
            adapters.updates().values().forEach(u -> u.up().getArray().addi(0.1f));
            Lora.write(dir.resolve(Lora.FILE), adapters.tensors(), new LoraInfo(base.getFileName().toString(),
                    ModelStore.sha256(base.resolve(ModelStore.WEIGHTS)), adapters.config(), "synthetic", 1, Map.of()));
        }
    }

    @Test
    void theLoraFieldIsAListOfNamesWithWeights() {
        GenerationOrder order = GenerationOrder.parse("{\"prompt\": \"x\", \"model\": \"m\", \"lora\": [\"a\", \"b:0.5\"]}",
                Optional::empty);
        assertThat(order.loras()).containsExactly(new LoraSpec("a", 1), new LoraSpec("b", 0.5));
        assertThat(GenerationOrder.parse("{\"prompt\": \"x\", \"model\": \"m\"}", Optional::empty).loras()).isEmpty();
        for (String bad : List.of("[\"../secret\"]", "[\"/etc/x\"]", "[3]", "[\"a:heavy\"]", "[\"a:100\"]",
                "[\"a\", \"b\", \"c\", \"d\", \"e\"]")) {
            assertThatThrownBy(() -> GenerationOrder.parse("{\"prompt\": \"x\", \"model\": \"m\", \"lora\": " + bad + "}",
                    Optional::empty)).as(bad).isInstanceOfSatisfying(InvalidRequestException.class,
                            e -> assertThat(e.field()).isEqualTo("lora"));
        }
    }

    @Test
    void theRegistryServesTheAdaptedModelAndRefusesForeignAdapters() throws IOException {
        Path teacher = TinyModels.teacher(models, "tiny-teacher", 1);
        Path student = TinyModels.oneStep(models, "tiny-student", 1);
        adapter("tiny-lora", teacher);
        try (ModelRegistry registry = new ModelRegistry(models)) {
            DiffusionModel plain = registry.get("tiny-teacher", List.of());
            DiffusionModel adapted = registry.get("tiny-teacher", List.of(new LoraSpec("tiny-lora", 1)));
            assertThat(adapted).isNotSameAs(plain).isSameAs(registry.get("tiny-teacher", List.of(new LoraSpec("tiny-lora", 1))));
            assertThat(Weights.of(adapted.network())).isNotEqualTo(Weights.of(plain.network()));
            assertThat(registry.list()).extracting(ModelRegistry.Entry::name).containsExactly("tiny-student", "tiny-teacher");
            assertThatThrownBy(() -> registry.get("tiny-student", List.of(new LoraSpec("tiny-lora", 1))))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                        assertThat(e.field()).isEqualTo("lora");
                        assertThat(e.getMessage()).contains("refused").doesNotContain(models.toString());
                    });
            assertThatThrownBy(() -> registry.get("tiny-teacher", List.of(new LoraSpec("no-such", 1))))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getMessage())
                            .contains("unknown LoRA 'no-such'"));
        }
    }
}
