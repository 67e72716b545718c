package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.fewstep.generate.Budget;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agreement measures between a sample and the truth render from the same camera. */
class ViewEvaluationTest {
    private static final int LENGTH = 3 * 32 * 32;

    @TempDir
    Path dir;

    @Test
    void psnrOfAConstantOffsetIsAnalytic() {
        float[] a = new float[2 * LENGTH];
        float[] b = new float[2 * LENGTH];
        Arrays.fill(b, LENGTH, 2 * LENGTH, 0.2f); // image 1 differs by 0.1 in [0, 1] units: MSE 0.01, 20 dB
        assertThat(ViewEvaluation.psnr(a, b, 1)).isCloseTo(20, within(1e-4));
        assertThat(ViewEvaluation.psnr(a, b, 0)).isGreaterThan(100);
    }

    @Test
    void theTruthMatchesItselfAndNotATurnedViewOfASceneSideBySide() {
        String prompt = "a large red cube next to a small green sphere";
        List<Camera> front = List.of(new Camera(0, 20));
        float[] truth = ViewEvaluation.truth(List.of(prompt), front);
        float[] turned = ViewEvaluation.truth(List.of(prompt), List.of(new Camera(90, 20)));
        assertThat(ViewEvaluation.silhouetteIou(truth, truth, 0)).isEqualTo(1.0);
        assertThat(ViewEvaluation.silhouetteIou(truth, turned, 0)).isLessThan(0.8);
        float[] background = new float[LENGTH];
        Arrays.fill(background, 2 * SdfRenderer.BACKGROUND - 1);
        assertThat(ViewEvaluation.silhouetteIou(truth, background, 0)).isZero();
        assertThat(ViewEvaluation.silhouetteIou(background, background, 0)).isEqualTo(1.0);
        // the silhouette of the truth is its coverage, up to the anti-aliased rim
        Picture picture = new SdfRenderer(32, 2).render(Captions.parse(prompt).field(), front.get(0));
        long covered = 0;
        for (boolean inside : ViewEvaluation.silhouette(truth, 0)) {
            covered += inside ? 1 : 0;
        }
        assertThat((double) covered).isCloseTo(picture.coveredArea(), within(0.15 * picture.coveredArea()));
    }

    @Test
    void samplesComeFromTheirCamerasAndAModelWithoutCamerasIsRefused() throws Exception {
        Path viewed = dir.resolve("viewed");
        UNetConfig config = UNetConfig.tiny(3).withCamera(Camera.EMBEDDING_SIZE);
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionModel.save(viewed, ViewConditioningTest.perturbed(config, m), new ModelInfo(ModelInfo.TEACHER,
                    "shapes", config, 0, List.of("a red cube"), List.of(), Map.of()));
        }
        Budget budget = new Budget("euler", 2, 2.0);
        try (DiffusionModel teacher = DiffusionModel.load(viewed)) {
            List<String> prompts = List.of("a red cube", "a red cube");
            float[] one = ViewEvaluation.sample(teacher, prompts, List.of(new Camera(0, 0), new Camera(0, 0)), budget, 4);
            float[] two = ViewEvaluation.sample(teacher, prompts, List.of(new Camera(0, 0), new Camera(120, 30)), budget, 4);
            assertThat(Arrays.copyOfRange(two, 0, LENGTH)).containsExactly(Arrays.copyOfRange(one, 0, LENGTH));
            assertThat(Arrays.copyOfRange(two, LENGTH, 2 * LENGTH)).isNotEqualTo(Arrays.copyOfRange(one, LENGTH, 2 * LENGTH));
            ViewEvaluation.Result result = ViewEvaluation.measure(teacher, null, prompts,
                    List.of(new Camera(0, 0), new Camera(120, 30)), budget, 4);
            assertThat(result.count()).isEqualTo(2);
            assertThat(result.silhouetteIou()).isBetween(0.0, 1.0);
            assertThat(result.renderPromptAccuracy()).isNaN();
            assertThat(ViewEvaluation.prompts("train", teacher, 3, 0)).containsOnly("a red cube");
            assertThat(ViewEvaluation.prompts("held-out", teacher, 20, 0))
                    .allMatch(p -> HeldOut.contains(Captions.parse(p)));
        }
        try (DiffusionModel plain = DiffusionModel.load(TinyModels.teacher(dir, "plain", 3))) {
            assertThatThrownBy(() -> ViewEvaluation.sample(plain, List.of("a red cube"), List.of(new Camera(0, 0)), budget, 0))
                    .hasMessageContaining("not view-conditioned");
        }
    }
}
