package dev.fewstep.distill.codi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.generate.Control;
import dev.fewstep.generate.ImageInput;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNetConfig;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user's condition and mask: resized, thresholded, and refused with a clear message when they do not fit. */
class ConditionInputTest {
    private static ModelInfo model(String task) {
        Map<String, String> extra = task == null ? Map.of() : Map.of("task", task);
        return new ModelInfo(task == null ? "teacher" : ControlledKinds.CONTROLLED, "fashion-mnist", UNetConfig.tiny(1), 1,
                List.of("a"), List.of(), extra);
    }

    private static BufferedImage grey(int size, int value) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, value * 0x010101);
            }
        }
        return image;
    }

    @Test
    void anEightPixelPictureIsTheSuperResolutionConditionOfItsUpscaledSelf() {
        BufferedImage low = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                low.setRGB(x, y, (x * 30 + y) * 0x010101);
            }
        }
        Control control = ConditionInput.of("m", model("superres"), low, null).orElseThrow();
        assertThat(control.channels()).isEqualTo(1);
        float[] c = control.values();
        // pixel (y, x) of the 32x32 condition is low-resolution pixel (y / 4, x / 4)
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                float expected = 2 * ((x / 4) * 30 + y / 4) / 255f - 1;
                assertThat(c[y * 32 + x]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void anInpaintingConditionBlanksWhiteMaskPixelsAndAppendsTheMask() {
        BufferedImage mask = grey(32, 0);
        mask.setRGB(3, 4, 0xffffff);
        Control control = ConditionInput.of("m", model("inpaint"), grey(32, 255), mask).orElseThrow();
        assertThat(control.channels()).isEqualTo(2);
        float[] c = control.values();
        assertThat(c[4 * 32 + 3]).isEqualTo(0f); // blanked
        assertThat(c[0]).isEqualTo(1f); // kept (white)
        assertThat(c[1024 + 4 * 32 + 3]).isEqualTo(1f);
        assertThat(c[1024]).isEqualTo(0f);
    }

    @Test
    void conditionsThatDoNotFitTheModelAreClearErrors() {
        assertThatThrownBy(() -> ConditionInput.of("m", model("inpaint"), grey(32, 9), grey(16, 0)))
                .hasMessageContaining("the mask is 16x16 but the condition image is 32x32");
        assertThatThrownBy(() -> ConditionInput.of("m", model("superres"), grey(32, 9), grey(32, 0)))
                .hasMessageContaining("a mask is only for inpainting models");
        assertThatThrownBy(() -> ConditionInput.of("m", model("inpaint"), grey(32, 9), null))
                .hasMessageContaining("needs a mask");
        assertThatThrownBy(() -> ConditionInput.of("m", model("superres"), null, null))
                .hasMessageContaining("m is a superres model: give it a condition image");
        assertThatThrownBy(() -> ConditionInput.of("m", model(null), grey(32, 9), null))
                .hasMessageContaining("m is not a conditional model");
        assertThat(ConditionInput.of("m", model(null), null, null)).isEmpty();
        assertThatThrownBy(() -> ImageInput.read("not a picture".getBytes(), "condition"))
                .hasMessageContaining("condition is not an image");
        assertThatThrownBy(() -> ImageInput.read(java.nio.file.Path.of("no-such-file.png"), "--condition"))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aSketchIsThresholdedAtMidGrey() {
        BufferedImage sketch = grey(32, 0);
        sketch.setRGB(5, 5, 0xffffff);
        sketch.setRGB(6, 5, 0x606060);
        float[] c = ConditionInput.of("m", model("sketch"), sketch, null).orElseThrow().values();
        assertThat(c[5 * 32 + 5]).isEqualTo(1f);
        assertThat(c[5 * 32 + 6]).isEqualTo(-1f);
        assertThat(c[0]).isEqualTo(-1f);
    }
}
