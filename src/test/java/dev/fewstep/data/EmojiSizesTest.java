package dev.fewstep.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiSizesTest {
    @TempDir
    Path dir;

    /** One 64x64 emoji of random translucent pixels. */
    private Path noisyEmoji() throws IOException {
        Path images = Files.createDirectories(dir.resolve("img/twitter/64"));
        Random random = new Random(3);
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ImageIO.write(image, "png", images.resolve("n.png").toFile());
        Files.writeString(dir.resolve("emoji.json"), "[{\"name\":\"Noise\",\"image\":\"n.png\"}]");
        return dir;
    }

    @Test
    void the32PixelImagesAreThe2x2MeansOfThe64PixelOnes() throws IOException {
        Path root = noisyEmoji();
        ImageDataset small = Emoji.load(root);
        ImageDataset large = Emoji.load(root, null, 64);
        assertThat(small.size()).isEqualTo(32);
        assertThat(large.size()).isEqualTo(64);
        assertThat(Emoji.load(root, null, 32).pixels()).isEqualTo(small.pixels());
        float[] big = large.pixels();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int at = c * 64 * 64 + 2 * y * 64 + 2 * x;
                    float mean = (big[at] + big[at + 1] + big[at + 64] + big[at + 65]) / 4;
                    assertThat(small.pixels()[c * 32 * 32 + y * 32 + x]).isCloseTo(mean, within(1e-5f));
                }
            }
        }
    }

    @Test
    void otherSizesAreRefused() throws IOException {
        Path root = noisyEmoji();
        assertThatThrownBy(() -> Emoji.load(root, null, 48)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("[32, 64]");
        assertThatThrownBy(() -> DataStore.train("fashion-mnist", root, 64)).isInstanceOf(RuntimeException.class);
    }
}
