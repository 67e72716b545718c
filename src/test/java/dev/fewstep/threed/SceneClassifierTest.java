package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.fewstep.metrics.features.FeatureInfo;
import dev.fewstep.metrics.features.FeatureModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes classifier's heads, its loss and the render prompt accuracy built on them. */
class SceneClassifierTest {
    private static final String ANSWER = "a red cone on a blue cube";

    @TempDir
    Path dir;

    @Test
    void labelsNameTheCombinationAndIgnoreSizes() {
        SceneLabels labels = SceneLabels.of(Captions.parse(ANSWER));
        assertThat(labels.toArray()).containsExactly(Relation.ON.ordinal(), dev.fewstep.threed.Shape.CONE.ordinal(), Colour.RED.ordinal(),
                dev.fewstep.threed.Shape.CUBE.ordinal(), Colour.BLUE.ordinal());
        assertThat(SceneLabels.of(Captions.parse("a large red cone on a small blue cube"))).isEqualTo(labels);
        assertThat(SceneLabels.of(Captions.parse("an orange torus")).toArray()).containsExactly(Relation.ALONE.ordinal(),
                dev.fewstep.threed.Shape.TORUS.ordinal(), Colour.ORANGE.ordinal(), SceneLabels.NONE_SHAPE, SceneLabels.NONE_COLOUR);
        assertThat(SceneLabels.logitCount()).isEqualTo(3 + 6 + 6 + 7 + 7);
        // "next to" is unordered (a half turn of the camera swaps the sides), "on" is not
        assertThat(SceneLabels.of(Captions.parse("a blue cube next to a red cone")))
                .isEqualTo(SceneLabels.of(Captions.parse("a red cone next to a blue cube")));
        assertThat(SceneLabels.of(Captions.parse("a blue cube on a red cone"))).isNotEqualTo(labels);
    }

    /** With a zero head whose biases pick one answer per head, every image is read as that scene. */
    @Test
    void aRenderMatchesItsPromptWhenEveryHeadAgrees() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SceneClassifier classifier = answering(m, ANSWER, 20f);
            NDArray images = m.randomUniform(-1, 1, new Shape(4, 3, 32, 32));
            List<String> prompts = List.of(ANSWER, "a large red cone on a small blue cube", "a red cone next to a blue cube",
                    "a red cone");
            assertThat(classifier.promptScores(images, prompts).toFloatArray()).containsExactly(1, 1, 0, 0);
            // The loss is the sum of five cross-entropies, ~0 for the answer. "A red cone next to a blue cube" is
            // labelled blue cube first (unordered pair), so all five heads are wrong by a margin of 20 each.
            NDArray right = SceneClassifier.labels(m, List.of(Captions.parse(ANSWER)));
            NDArray wrong = SceneClassifier.labels(m, List.of(Captions.parse("a red cone next to a blue cube")));
            NDArray one = images.get("0:1");
            assertThat(classifier.loss(one, right).getFloat()).isLessThan(1e-6f);
            assertThat((double) classifier.loss(one, wrong).getFloat()).isCloseTo(5 * 20, within(1e-3));

            FeatureModel.save(dir, classifier, new FeatureInfo(SceneClassifier.KIND, "shapes", SceneClassifier.encoder(),
                    List.of(), 0, Map.of()));
        }
        try (RenderPromptAccuracy accuracy = RenderPromptAccuracy.load(dir); NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.zeros(new Shape(4, 3, 32, 32));
            assertThat(accuracy.of(images, List.of(ANSWER, ANSWER, "a blue cube", "a red cone on a blue sphere")))
                    .isEqualTo(0.5);
            assertThatThrownBy(() -> accuracy.of(images, List.of(ANSWER)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 images but 1 prompts");
            assertThatThrownBy(() -> accuracy.of(images, List.of(ANSWER, ANSWER, ANSWER, "a red dog")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dog");
            assertThatThrownBy(() -> accuracy.of(m.zeros(new Shape(1, 1, 32, 32)), List.of(ANSWER)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 3, 32, 32)");
        }
    }

    private static SceneClassifier answering(NDManager m, String caption, float margin) {
        SceneClassifier classifier = new SceneClassifier(SceneClassifier.encoder());
        classifier.initialize(m, DataType.FLOAT32);
        int[] answer = SceneLabels.of(Captions.parse(caption)).toArray();
        float[] bias = new float[SceneLabels.logitCount()];
        for (int h = 0; h < answer.length; h++) {
            bias[SceneLabels.offset(h) + answer[h]] = margin;
        }
        for (Map.Entry<String, Parameter> p : classifier.getParameters().toMap().entrySet()) {
            if (p.getKey().contains("head") && p.getKey().endsWith("weight")) {
                p.getValue().getArray().muli(0);
            } else if (p.getKey().contains("head") && p.getKey().endsWith("bias")) {
                p.getValue().getArray().set(bias);
            }
        }
        return classifier;
    }
}
