package dev.fewstep.latent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.fewstep.cli.Main;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.ModelStore;
import dev.fewstep.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderFileTest {
    @TempDir
    Path dir;

    private Path good() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("good"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = Autoencoder.create(AutoencoderConfig.tiny(32, 4), manager);
            AutoencoderFile.write(folder.resolve(AutoencoderFile.FILE), autoencoder,
                    new AutoencoderFile.Info(autoencoder.config(), "synthetic", 7, Map.of("held_out_psnr", "12.00")));
        }
        return folder;
    }

    @Test
    void aSavedAutoencoderLoadsWithItsInfo() throws IOException {
        try (AutoencoderFile.Loaded loaded = AutoencoderFile.load(good())) {
            assertThat(loaded.info().config()).isEqualTo(AutoencoderConfig.tiny(32, 4));
            assertThat(loaded.info().step()).isEqualTo(7);
            assertThat(loaded.info().extra()).containsEntry("held_out_psnr", "12.00");
        }
    }

    @Test
    void corruptAutoencoderFilesAreClearErrors() throws IOException {
        Path good = good();
        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.write(garbage.resolve(AutoencoderFile.FILE), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> AutoencoderFile.load(garbage)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(garbage.resolve(AutoencoderFile.FILE).toString());

        SafeTensors.Contents contents = SafeTensors.read(good.resolve(AutoencoderFile.FILE));
        Map<String, Tensor> fewer = new HashMap<>(contents.tensors());
        fewer.remove(fewer.keySet().iterator().next());
        Path missing = write("missing", fewer, contents.metadata());
        assertThatThrownBy(() -> AutoencoderFile.load(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("lacks 1 tensors");

        Map<String, String> absurd = new HashMap<>(contents.metadata());
        absurd.put("config", absurd.get("config").replaceFirst("\"factor\":\\d+", "\"factor\":3"));
        Path badConfig = write("absurd", contents.tensors(), absurd);
        assertThatThrownBy(() -> AutoencoderFile.load(badConfig)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("factor 3 (2, 4 or 8)");

        Path teacher = TinyModels.teacher(dir, "teacher", 3);
        Files.copy(teacher.resolve(ModelStore.WEIGHTS), teacher.resolve(AutoencoderFile.FILE));
        assertThatThrownBy(() -> AutoencoderFile.load(teacher)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is not a fewstep autoencoder");
    }

    @Test
    void trainOnACorruptAutoencoderExitsWithAMessage() throws IOException {
        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.write(garbage.resolve(AutoencoderFile.FILE), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path data = EmojiFolder.write(dir.resolve("emoji"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true));
        try {
            code = Main.run("train", "--dataset", "emoji", "--size", "64", "--data-dir", data.toString(),
                    "--autoencoder", garbage.toString(), "--out", dir.resolve("ldm").toString());
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(Main.BAD_INPUT);
        assertThat(err.toString()).startsWith("fewstep: ").contains(AutoencoderFile.FILE).doesNotContain("Exception");
        assertThat(dir.resolve("ldm")).doesNotExist();
        code = Main.run("train", "--dataset", "emoji", "--size", "64", "--data-dir", data.toString(),
                "--autoencoder", dir.resolve("nowhere").toString(), "--out", dir.resolve("ldm").toString());
        assertThat(code).isEqualTo(Main.BAD_INPUT);
    }

    private Path write(String name, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        SafeTensors.write(folder.resolve(AutoencoderFile.FILE), tensors, metadata);
        return folder;
    }
}
