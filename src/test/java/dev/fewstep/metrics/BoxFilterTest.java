package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fewstep.data.Emoji;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoxFilterTest {
    @Test
    void eachOutputPixelIsTheMeanOfItsBlock() {
        // One 1-channel 4x4 image, values 0..15 row by row: block (0,0) holds 0, 1, 4, 5.
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = i;
        }
        assertThat(BoxFilter.downsample(image, 1, 1, 4, 2)).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
        assertThat(BoxFilter.downsample(image, 1, 1, 4, 1)).containsExactly(7.5f);
    }

    @Test
    void aCheckerboardBecomesItsMeanAndChannelsAndImagesStaySeparate() {
        int size = 8;
        float[] pixels = new float[2 * 3 * size * size];
        for (int plane = 0; plane < 6; plane++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    pixels[plane * size * size + y * size + x] = (x + y) % 2 == 0 ? plane : -plane;
                }
            }
        }
        float[] out = BoxFilter.downsample(pixels, 2, 3, size, 4);
        assertThat(out).hasSize(2 * 3 * 16).containsOnly(0f);
        float[] constant = new float[2 * 3 * size * size];
        for (int i = 0; i < constant.length; i++) {
            constant[i] = i / (size * size); // each plane its own constant
        }
        float[] filtered = BoxFilter.downsample(constant, 2, 3, size, 2);
        for (int i = 0; i < filtered.length; i++) {
            assertThat(filtered[i]).isEqualTo((float) (i / 4));
        }
    }

    @Test
    void a64PixelEmojiFilteredTo32IsThe32PixelEmoji() {
        Random random = new Random(3);
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        float[] at32 = Emoji.toChannelsFirst(image, 32);
        float[] filtered = BoxFilter.downsample(Emoji.toChannelsFirst(image, 64), 1, 3, 64, 32);
        assertThat(filtered).hasSize(at32.length);
        for (int i = 0; i < at32.length; i++) {
            assertThat(filtered[i]).isCloseTo(at32[i], within(1e-5f));
        }
    }

    @Test
    void sidesThatAreNotMultiplesAndWrongLengthsAreRefused() {
        assertThatThrownBy(() -> BoxFilter.downsample(new float[3 * 48 * 48], 1, 3, 48, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48x48").hasMessageContaining("32x32");
        assertThatThrownBy(() -> BoxFilter.downsample(new float[10], 1, 3, 4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 1 images of 3x4x4");
        assertThat(BoxFilter.describe(64, 32)).isEqualTo("32x32 (downsampled from 64x64 by a 2x2 box filter)");
        assertThat(BoxFilter.describe(32, 32)).isEqualTo("32x32");
    }
}
