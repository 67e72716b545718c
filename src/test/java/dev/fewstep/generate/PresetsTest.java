package dev.fewstep.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.model.DiffusionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The page offers a preset only if it draws the prompt: checked on the shipped Fashion teacher and classifier. */
class PresetsTest {
    static final Path MODELS = Path.of("models");
    /** Budgets up to this many NFE are the ones at risk; the 35-NFE presets are the EDM paper's setting. */
    static final int CHEAP_NFE = 10;
    /** Samples per class: 20 images, fixed seeds. */
    static final int PER_PROMPT = 2;
    /** Chance is 0.10 and the real test images score 0.90; good 5-NFE presets scored 0.86-0.90 at n = 200. */
    static final double LEAST_ACCURACY = 0.6;

    @Test
    void heunIsOfferedFromSevenStepsAndTheOtherSamplersAtAnyCount() {
        assertThat(Presets.worthOffering("heun", 3)).isFalse();
        assertThat(Presets.worthOffering("heun", 5)).isFalse();
        assertThat(Presets.worthOffering("heun", 7)).isTrue();
        assertThat(Presets.worthOffering("heun", 18)).isTrue();
        for (String sampler : List.of("euler", "ddim", "dpmpp2m")) {
            assertThat(Presets.worthOffering(sampler, 1)).as(sampler).isTrue();
        }
        assertThat(Presets.worthOffering(null, null)).as("a one-step model").isTrue();
    }

    @Test
    @Timeout(600)
    void everyCheapPresetOfferedForTheFashionTeacherDrawsItsPrompt() {
        assumeTrue(Files.exists(MODELS.resolve("fashion-teacher/model.safetensors"))
                && Files.exists(MODELS.resolve("fashion-features/features.safetensors")), "needs the shipped models");
        try (DiffusionModel teacher = DiffusionModel.load(MODELS.resolve("fashion-teacher"));
                FeatureModel classifier = FeatureModel.load(MODELS.resolve("fashion-features"))) {
            List<String> prompts = new ArrayList<>();
            for (String prompt : teacher.info().prompts()) {
                for (int i = 0; i < PER_PROMPT; i++) {
                    prompts.add(prompt);
                }
            }
            List<Budget> checked = new ArrayList<>();
            for (Budget option : teacher.generator().presets()) {
                if (teacher.generator().nfe(option) > CHEAP_NFE) {
                    continue;
                }
                Generation.Result samples = Generation.generate(teacher, prompts, 0, option, evaluation -> {});
                double accuracy = mean(classifier.promptScores(samples.pixels(), samples.count(), prompts));
                assertThat(accuracy).as("prompt accuracy of %s", option).isGreaterThanOrEqualTo(LEAST_ACCURACY);
                checked.add(option);
            }
            assertThat(checked).extracting(Budget::sampler).contains("euler", "ddim", "dpmpp2m");
        }
    }

    private static double mean(float[] scores) {
        double sum = 0;
        for (float score : scores) {
            sum += score;
        }
        return sum / scores.length;
    }
}
