package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScopedGenerationTest {
    private static final List<String> PROMPTS = List.of("bright square", "stripes", "dark square", "stripes");

    @Test
    void scopedGenerationGivesGenerationsPixels(@TempDir Path dir) throws Exception {
        try (DiffusionModel teacher = DiffusionModel.load(TinyModels.teacher(dir, "t", 1));
                DiffusionModel oneStep = DiffusionModel.load(TinyModels.oneStep(dir, "s", 1))) {
            for (String sampler : List.of("heun", "dpmpp2m")) {
                Generation.Result expected = Generation.generate(teacher, PROMPTS, 11, sampler, 3, 2.0, e -> {});
                Generation.Result actual = ScopedGeneration.generate(teacher, PROMPTS, 11, sampler, 3, 2.0);
                assertThat(actual.pixels()).as(sampler).containsExactly(expected.pixels());
                assertThat(actual.nfe()).isEqualTo(expected.nfe());
            }
            Generation.Result expected = Generation.generate(oneStep, PROMPTS, 5, "heun", 18, 2.0, e -> {});
            Generation.Result actual = ScopedGeneration.generate(oneStep, PROMPTS, 5, "heun", 18, 2.0);
            assertThat(actual.pixels()).containsExactly(expected.pixels());
            assertThat(actual.nfe()).isEqualTo(1);
        }
    }
}
