package dev.fewstep.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A negative prompt takes the place of "no prompt" in guidance's unconditional branch, and only there. */
class NegativePromptTest {
    @TempDir
    Path dir;

    @Test
    void theUnconditionalBranchUsesTheNegativePromptAsAPrompt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Conditioning c = Conditioning.of(manager.ones(new Shape(2, 4))).withNegative(manager.full(new Shape(2, 4), 7f));
            Conditioning unconditional = c.unconditional();
            assertThat(unconditional.textEmbedding().toFloatArray()).containsOnly(7f);
            assertThat(unconditional.isNull().toFloatArray()).containsOnly(0f);
            assertThat(Conditioning.of(manager.ones(new Shape(2, 4))).unconditional().isNull().toFloatArray()).containsOnly(1f);
        }
    }

    @Test
    void aNegativePromptChangesGuidedImagesAndNothingWithoutGuidance() throws Exception {
        try (DiffusionModel teacher = DiffusionModel.load(TinyModels.teacher(dir, "t", 1))) {
            List<String> prompts = List.of("stripes");
            float[] plain = Generation.generate(teacher, prompts, 3, new Budget("euler", 3, 3.0), e -> {}).pixels();
            float[] negative = Generation.generate(teacher, prompts, 3, new Budget("euler", 3, 3.0), "dark square", e -> {})
                    .pixels();
            assertThat(Arrays.equals(plain, negative)).isFalse();
            float[] unguided = Generation.generate(teacher, prompts, 3, new Budget("euler", 3, 1.0), e -> {}).pixels();
            float[] unguidedNegative = Generation.generate(teacher, prompts, 3, new Budget("euler", 3, 1.0), "dark square",
                    e -> {}).pixels();
            assertThat(unguidedNegative).containsExactly(unguided);
        }
    }
}
