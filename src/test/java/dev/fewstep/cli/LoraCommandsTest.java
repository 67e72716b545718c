package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.lora.Adapters;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraConfig;
import dev.fewstep.nn.lora.LoraInfo;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraCommandsTest {
    @TempDir
    static Path dir;

    static Path model;
    static Path lora;

    /** A tiny teacher and an adapter trained on it (B random, so it changes the weights). */
    @BeforeAll
    static void tinyModelAndAdapter() throws IOException {
        model = TinyModels.teacher(dir, "tiny", 1);
        lora = dir.resolve("tiny-lora");
        Files.createDirectories(lora);
        try (DiffusionModel loaded = DiffusionModel.load(model); NDManager manager = NDManager.newBaseManager()) {
            Adapters adapters = Adapters.create(loaded.network(), new LoraConfig(2, 2, false), manager);
            adapters.updates().values().forEach(u -> u.up().getArray().addi(0.1f));
            Lora.write(lora.resolve(Lora.FILE), adapters.tensors(), new LoraInfo("tiny",
                    ModelStore.sha256(model.resolve(ModelStore.WEIGHTS)), adapters.config(), "synthetic", 5, Map.of()));
        }
    }

    @Test
    void mergeWritesAModelAndNeverOverwritesOne() {
        Path out = dir.resolve("merged");
        CliTest.Run first = CliTest.run("merge", "--model", model.toString(), "--lora", lora + ":0.5", "--out", out.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(out.resolve(ModelStore.WEIGHTS)).exists();
        try (DiffusionModel merged = DiffusionModel.load(out)) {
            assertThat(merged.info().extra()).containsKey("merged_loras");
        }
        CliTest.Run again = CliTest.run("merge", "--model", model.toString(), "--lora", lora.toString(), "--out", out.toString());
        assertThat(again.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(again.err()).contains("already holds a model").contains("--force");
    }

    @Test
    void generateWithAnAdapterRunsAndAMismatchedBaseIsRefused() throws IOException {
        Path png = dir.resolve("adapted.png");
        CliTest.Run run = CliTest.run("generate", "--model", model.toString(), "--lora", lora.toString(), "--prompt",
                "stripes", "--sampler", "euler", "--steps", "2", "--out", png.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(png).exists();

        Path other = TinyModels.oneStep(dir, "other", 1);
        CliTest.Run refused = CliTest.run("generate", "--model", other.toString(), "--lora", lora.toString(), "--prompt",
                "stripes", "--out", dir.resolve("refused.png").toString());
        assertThat(refused.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(refused.err()).contains("was trained on tiny").contains("refused").doesNotContain("Exception");

        CliTest.Run badWeight = CliTest.run("generate", "--model", model.toString(), "--lora", lora + ":lots", "--prompt",
                "stripes", "--out", dir.resolve("bad.png").toString());
        assertThat(badWeight.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(badWeight.err()).contains("must be a number");
    }

    @Test
    void modelsAndInfoDescribeAnAdapter() {
        String before = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", dir.toString());
        try {
            CliTest.Run models = CliTest.run("models");
            assertThat(models.exit()).as(models.err()).isZero();
            assertThat(models.out()).contains("tiny-lora").contains("LoRA of tiny").contains("rank 2");
        } finally {
            if (before == null) {
                System.clearProperty("fewstep.models");
            } else {
                System.setProperty("fewstep.models", before);
            }
        }
        CliTest.Run info = CliTest.run("info", lora.toString());
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.out()).contains("LoRA of tiny").contains("parameters on");
    }

    @Test
    void finetuneRefusesAdapterOptionsWithFull() {
        CliTest.Run run = CliTest.run("finetune", "--model", model.toString(), "--full", "--lora-rank", "2", "--out",
                dir.resolve("x").toString());
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("--full trains every weight");
    }
}
