package dev.fewstep.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.cli.Main;
import dev.fewstep.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every PNG says how it was made, and {@code generate --from} makes it again, byte for byte. */
class PngMetadataTest {
    @TempDir
    Path dir;

    @Test
    void parametersSurviveTheirTextForm() {
        ImageParameters p = new ImageParameters(List.of("Ankle boot", "a photo: of a bag, product shot"), "blurry", "fashion-teacher",
                "a9190a735f", "heun", 18, 2.0, 7, 35, 4, 3);
        assertThat(p.toText()).startsWith("Ankle boot\na photo: of a bag, product shot\nNegative prompt: blurry\nSteps: 18, Sampler: heun, CFG scale: 2.0");
        assertThat(ImageParameters.parse(p.toText())).isEqualTo(p);
        assertThatThrownBy(() -> ImageParameters.parse("just a prompt")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageParameters.parse("p\nSteps: x, Sampler: heun, CFG scale: 2, Seed: 1, Model: m"))
                .hasMessageContaining("malformed number");
    }

    @Test
    void aTextChunkIsReadBackAndTheImageStillDecodes() throws Exception {
        byte[] png = Images.png(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB));
        byte[] tagged = PngText.with(png, "parameters", "stripes\nSteps: 1");
        assertThat(PngText.read(tagged, "parameters")).contains("stripes\nSteps: 1");
        assertThat(PngText.read(tagged, "other")).isEmpty();
        assertThat(PngText.read(png, "parameters")).isEmpty();
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(tagged)).getWidth()).isEqualTo(4);
        assertThatThrownBy(() -> PngText.read(new byte[40], "parameters")).hasMessage("not a PNG file");
    }

    @Test
    void generateFromAnImageMakesTheSameFileAndInfoPrintsItsParameters() throws Exception {
        Path model = TinyModels.teacher(dir, "tiny", 1);
        Path first = dir.resolve("first.png");
        assertThat(Main.run("generate", "--model", model.toString(), "--prompt", "stripes", "--prompt", "dark square",
                "--negative", "stripes", "--sampler", "dpmpp2m", "--steps", "3", "--cfg", "1.5", "--seed", "11", "--n", "2", "--scale", "2",
                "--out", first.toString())).isZero();
        String text = PngText.read(Files.readAllBytes(first), ImageParameters.KEY).orElseThrow();
        assertThat(text).startsWith("stripes\ndark square\nNegative prompt: stripes\nSteps: 3, Sampler: dpmpp2m, CFG scale: 1.5, Seed: 11");
        Path again = dir.resolve("again.png");
        assertThat(Main.run("generate", "--from", first.toString(), "--out", again.toString())).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));
        assertThat(Main.run("info", first.toString())).isZero();
        // One file per image; each makes itself again, alone.
        Path each = dir.resolve("each");
        assertThat(Main.run("generate", "--model", model.toString(), "--prompt", "stripes", "--prompt", "dark square",
                "--steps", "3", "--seed", "11", "--n", "2", "--out", dir.resolve("grid.png").toString(), "--out-dir",
                each.toString())).isZero();
        try (var files = Files.list(each)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("00-11.png", "00-12.png", "01-11.png", "01-12.png");
        }
        assertThat(Main.run("generate", "--from", each.resolve("01-12.png").toString(), "--out",
                dir.resolve("one.png").toString())).isZero();
        assertThat(Files.readAllBytes(dir.resolve("one.png"))).isEqualTo(Files.readAllBytes(each.resolve("01-12.png")));
        assertThat(Main.run("generate", "--from", first.toString(), "--prompt", "stripes", "--out",
                dir.resolve("x.png").toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("generate", "--from", first.toString(), "--out", first.toString())).isEqualTo(Main.BAD_INPUT);
        Path plain = dir.resolve("plain.png");
        Files.write(plain, Images.png(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB)));
        assertThat(Main.run("generate", "--from", plain.toString(), "--out", dir.resolve("y.png").toString()))
                .isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("info", plain.toString())).isEqualTo(Main.BAD_INPUT);
    }
}
