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

    @Test
    void anImageMadeWithLorasRecordsThemAndFromAppliesThemAgain() throws Exception {
        ImageParameters p = new ImageParameters(List.of("stripes"), null, "emoji-teacher", "1cc45d4811", "dpmpp2m", 4, 2.0,
                0, 4, 1, 1, List.of("emoji-noto-lora:1.0", "emoji-cd-lora:0.5"));
        assertThat(p.toText()).contains(", LoRA: emoji-noto-lora:1.0 + emoji-cd-lora:0.5, ");
        assertThat(ImageParameters.parse(p.toText())).isEqualTo(p);

        Path model = TinyModels.teacher(dir, "tiny", 1);
        Path lora = dir.resolve("tiny-style");
        java.nio.file.Files.createDirectories(lora);
        try (dev.fewstep.model.DiffusionModel loaded = dev.fewstep.model.DiffusionModel.load(model);
                ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            var adapters = dev.fewstep.nn.lora.Adapters.create(loaded.network(), new dev.fewstep.nn.lora.LoraConfig(2, 2, false),
                    manager);
            adapters.updates().values().forEach(u -> u.up().getArray().addi(0.2f));
            dev.fewstep.nn.lora.Lora.write(lora.resolve(dev.fewstep.nn.lora.Lora.FILE), adapters.tensors(),
                    new dev.fewstep.nn.lora.LoraInfo("tiny", dev.fewstep.model.ModelStore.sha256(
                            model.resolve(dev.fewstep.model.ModelStore.WEIGHTS)), adapters.config(), "synthetic", 1,
                            java.util.Map.of()));
        }
        Path adapted = dir.resolve("adapted.png");
        assertThat(Main.run("generate", "--model", model.toString(), "--lora", lora + ":0.5", "--prompt", "stripes",
                "--steps", "2", "--seed", "3", "--out", adapted.toString())).isZero();
        assertThat(PngText.read(Files.readAllBytes(adapted), ImageParameters.KEY).orElseThrow()).contains(", LoRA: " + lora + ":0.5, ");
        Path plain = dir.resolve("plain.png");
        assertThat(Main.run("generate", "--model", model.toString(), "--prompt", "stripes", "--steps", "2", "--seed", "3",
                "--out", plain.toString())).isZero();
        assertThat(Files.readAllBytes(plain)).as("the adapter changes the image").isNotEqualTo(Files.readAllBytes(adapted));
        Path again = dir.resolve("adapted-again.png");
        assertThat(Main.run("generate", "--from", adapted.toString(), "--out", again.toString())).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(adapted));
        assertThat(Main.run("generate", "--from", adapted.toString(), "--lora", lora.toString(), "--out",
                dir.resolve("z.png").toString())).isEqualTo(Main.BAD_INPUT);
    }
}
