package dev.fewstep.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetParsingTest {
    @TempDir
    Path dir;

    static byte[] idxImages(int count, int fill) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x803);
        out.writeInt(count);
        out.writeInt(28);
        out.writeInt(28);
        for (int n = 0; n < count; n++) {
            for (int p = 0; p < 28 * 28; p++) {
                out.writeByte(p == 0 ? 255 : fill);
            }
        }
        return bytes.toByteArray();
    }

    static byte[] idxLabels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x801);
        out.writeInt(labels.length);
        for (int l : labels) {
            out.writeByte(l);
        }
        return bytes.toByteArray();
    }

    @Test
    void idxImagesArePaddedTo32AndScaledToPlusMinusOne() throws IOException {
        ImageDataset data = FashionMnist.parse(idxImages(2, 0), idxLabels(9, 3), "fixture");
        assertThat(data.count()).isEqualTo(2);
        assertThat(data.size()).isEqualTo(32);
        assertThat(data.prompt(0)).isEqualTo("Ankle boot");
        assertThat(data.prompt(1)).isEqualTo("Dress");
        // the first source pixel (255) lands at (2, 2) after padding; the border stays at -1 (black)
        assertThat(data.pixels()[2 * 32 + 2]).isCloseTo(1f, within(1e-6f));
        assertThat(data.pixels()[0]).isEqualTo(-1f);
        assertThat(data.pixels()[3 * 32 + 3]).isEqualTo(-1f);
    }

    @Test
    void gzippedFilesInAFolderAreRead() throws IOException {
        for (String[] f : new String[][] {{"train-images-idx3-ubyte", "i"}, {"train-labels-idx1-ubyte", "l"}}) {
            try (var out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(f[0] + ".gz")))) {
                out.write(f[1].equals("i") ? idxImages(3, 7) : idxLabels(0, 1, 2));
            }
        }
        assertThat(FashionMnist.train(dir).count()).isEqualTo(3);
    }

    @Test
    void missingOrCorruptFilesNameTheInstallCommand() throws IOException {
        assertThatThrownBy(() -> FashionMnist.train(dir)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
        assertThatThrownBy(() -> FashionMnist.parse(idxLabels(1), idxLabels(1), "fixture"))
                .hasMessageContaining("not IDX image/label files");
        byte[] images = idxImages(2, 0);
        assertThatThrownBy(() -> FashionMnist.parse(java.util.Arrays.copyOf(images, 100), idxLabels(1, 2), "fixture"))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> DataStore.train("emoji", dir)).hasMessageContaining("./fewstep data fetch emoji");
    }

    @Test
    void emojiAreCompositedOnWhiteAndNamedInLowerCase() throws IOException {
        Path pkg = dir.resolve("pkg");
        Path images = Files.createDirectories(pkg.resolve("img/twitter/64"));
        BufferedImage transparent = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB); // all alpha 0
        BufferedImage red = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                red.setRGB(x, y, 0xffff0000);
            }
        }
        ImageIO.write(transparent, "png", images.resolve("1f47b.png").toFile());
        ImageIO.write(red, "png", images.resolve("1f34e.png").toFile());
        Files.writeString(pkg.resolve("emoji.json"), """
                [{"name":"RED APPLE","image":"1f34e.png","has_img_twitter":true},
                 {"name":"Ghost","image":"1f47b.png","has_img_twitter":true},
                 {"name":"No Image","image":"0000.png","has_img_twitter":true},
                 {"name":"Not In Twitter","image":"1f34e.png","has_img_twitter":false}]""");
        ImageDataset data = Emoji.load(pkg);
        assertThat(data.prompts()).containsExactly("ghost", "red apple");
        assertThat(data.count()).isEqualTo(2);
        assertThat(data.channels()).isEqualTo(3);
        int plane = 32 * 32;
        int apple = data.prompt(0).equals("red apple") ? 0 : 1;
        float[] pixels = data.pixels();
        int base = apple * 3 * plane;
        assertThat(pixels[base]).isCloseTo(1f, within(1e-6f)); // red channel full
        assertThat(pixels[base + plane]).isCloseTo(-1f, within(1e-6f)); // green empty
        int ghost = 1 - apple;
        assertThat(pixels[ghost * 3 * plane + 5]).isCloseTo(1f, within(1e-6f)); // transparent -> white
    }
}
