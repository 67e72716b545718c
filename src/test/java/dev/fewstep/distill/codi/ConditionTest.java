package dev.fewstep.distill.codi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private static final int SIZE = 32;

    @Test
    void superResolutionOfAConstantImageIsThatConstant() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray condition = Condition.of("superres", 1).make(manager.full(new Shape(2, 1, SIZE, SIZE), 0.3f),
                    new Random(1), manager);
            assertThat(condition.getShape()).isEqualTo(new Shape(2, 1, SIZE, SIZE));
            for (float v : condition.toFloatArray()) {
                assertThat(v).isCloseTo(0.3f, within(1e-6f));
            }
        }
    }

    @Test
    void superResolutionRepeatsEachFourByFourBlockMean() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(-1, 1, new Shape(1, 3, SIZE, SIZE));
            NDArray condition = Condition.of("superres", 3).make(images, new Random(1), manager);
            assertThat(condition.getShape()).isEqualTo(new Shape(1, 3, SIZE, SIZE));
            float[] x = images.toFloatArray();
            float[] c = condition.toFloatArray();
            for (int channel = 0; channel < 3; channel++) {
                for (int r = 0; r < SIZE; r++) {
                    for (int col = 0; col < SIZE; col++) {
                        double mean = 0;
                        for (int i = r / 4 * 4; i < r / 4 * 4 + 4; i++) {
                            for (int j = col / 4 * 4; j < col / 4 * 4 + 4; j++) {
                                mean += x[(channel * SIZE + i) * SIZE + j] / 16.0;
                            }
                        }
                        assertThat(c[(channel * SIZE + r) * SIZE + col]).isCloseTo((float) mean, within(1e-6f));
                    }
                }
            }
        }
    }

    @Test
    void inpaintingMaskCoversTheBlankedBoxExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int batch = 16;
            NDArray condition = Condition.of("inpaint", 1).make(manager.ones(new Shape(batch, 1, SIZE, SIZE)),
                    new Random(7), manager);
            assertThat(condition.getShape()).isEqualTo(new Shape(batch, 2, SIZE, SIZE));
            float[] c = condition.toFloatArray();
            int plane = SIZE * SIZE;
            for (int b = 0; b < batch; b++) {
                int top = SIZE;
                int bottom = -1;
                int left = SIZE;
                int right = -1;
                int holes = 0;
                for (int p = 0; p < plane; p++) {
                    float image = c[(2 * b) * plane + p];
                    float mask = c[(2 * b + 1) * plane + p];
                    assertThat(mask).isIn(0f, 1f);
                    // Blanked to 0 exactly inside the mask, untouched outside it.
                    assertThat(image).isEqualTo(mask == 1f ? 0f : 1f);
                    if (mask == 1f) {
                        holes++;
                        top = Math.min(top, p / SIZE);
                        bottom = Math.max(bottom, p / SIZE);
                        left = Math.min(left, p % SIZE);
                        right = Math.max(right, p % SIZE);
                    }
                }
                int height = bottom - top + 1;
                int width = right - left + 1;
                assertThat(holes).as("the mask is one full box").isEqualTo(height * width);
                assertThat(height).isBetween(SIZE / 4, SIZE / 2);
                assertThat(width).isBetween(SIZE / 4, SIZE / 2);
            }
        }
    }

    @Test
    void sketchOfAConstantImageHasNoEdge() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray condition = Condition.of("sketch", 3).make(manager.full(new Shape(2, 3, SIZE, SIZE), 0.7f),
                    new Random(1), manager);
            assertThat(condition.getShape()).isEqualTo(new Shape(2, 1, SIZE, SIZE));
            assertThat(condition.toFloatArray()).containsOnly(-1f);
        }
    }

    @Test
    void sketchMarksAStepOnTheTwoColumnsBesideIt() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] step = new float[SIZE * SIZE];
            for (int p = 0; p < step.length; p++) {
                step[p] = p % SIZE < SIZE / 2 ? -1f : 1f;
            }
            NDArray images = manager.create(step, new Shape(1, 1, SIZE, SIZE));
            float[] edges = Condition.of("sketch", 1).make(images, new Random(1), manager).toFloatArray();
            for (int p = 0; p < edges.length; p++) {
                int column = p % SIZE;
                boolean besideStep = column == SIZE / 2 - 1 || column == SIZE / 2;
                assertThat(edges[p]).as("column %d", column).isEqualTo(besideStep ? 1f : -1f);
            }
        }
    }

    @Test
    void everyConditionIsDeterministicForASeed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(-1, 1, new Shape(4, 1, SIZE, SIZE));
            for (String name : Condition.NAMES) {
                Condition condition = Condition.of(name, 1);
                float[] first = condition.make(images, new Random(42), manager).toFloatArray();
                float[] second = condition.make(images, new Random(42), manager).toFloatArray();
                assertThat(second).as(name).containsExactly(first);
                assertThat(condition.make(images, new Random(42), manager).getShape())
                        .isEqualTo(new Shape(4, condition.channels(), SIZE, SIZE));
            }
            float[] seed42 = Condition.of("inpaint", 1).make(images, new Random(42), manager).toFloatArray();
            float[] seed43 = Condition.of("inpaint", 1).make(images, new Random(43), manager).toFloatArray();
            assertThat(seed43).isNotEqualTo(seed42);
        }
    }

    @Test
    void anUnknownTaskIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Condition.of("depth", 1)).hasMessageContaining("superres");
    }
}
