package dev.fewstep.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiSetTest {
    @TempDir
    Path dir;

    private static BufferedImage filled(int argb) {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    /** Twitter draws both names red, Google has only "red apple", in blue. */
    private Path twoSets() throws IOException {
        for (String set : Emoji.SETS) {
            Path pkg = dir.resolve("emoji-datasource-" + set).resolve("package");
            Path images = Files.createDirectories(pkg.resolve("img/" + set + "/64"));
            ImageIO.write(filled(set.equals("google") ? 0xff0000ff : 0xffff0000), "png", images.resolve("a.png").toFile());
            ImageIO.write(filled(0xffff0000), "png", images.resolve("g.png").toFile());
            Files.writeString(pkg.resolve("emoji.json"), """
                    [{"name":"RED APPLE","image":"a.png","has_img_SET":true},
                     {"name":"Ghost","image":"g.png","has_img_SET":%s}]""".replace("SET", set)
                    .formatted(set.equals("twitter")));
        }
        return dir;
    }

    @Test
    void oneSetKeepsItsImagesAndTheVocabularyOfAll() throws IOException {
        Path root = twoSets();
        ImageDataset all = Emoji.load(root);
        ImageDataset google = Emoji.load(root, "google");
        ImageDataset twitter = Emoji.load(root, "twitter");
        assertThat(all.count()).isEqualTo(3);
        assertThat(google.count()).isEqualTo(1);
        assertThat(twitter.count()).isEqualTo(2);
        assertThat(google.prompts()).isEqualTo(all.prompts()).containsExactly("ghost", "red apple");
        assertThat(google.prompt(0)).isEqualTo("red apple");
        assertThat(google.pixels()[2 * 32 * 32]).as("blue channel of the Google apple").isEqualTo(1f);
        assertThatThrownBy(() -> Emoji.load(root, "apple")).isInstanceOf(DatasetException.class)
                .hasMessageContaining("unknown emoji set 'apple'");
    }
}
