package dev.fewstep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.serve.ModelRegistry;
import dev.fewstep.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One bad model file breaks nothing: each model is checked on its own, by the CLI and the server alike. */
class BrokenModelsTest {
    @TempDir
    static Path models;

    @BeforeAll
    static void folder() throws IOException {
        Path good = TinyModels.teacher(models, "b-good", 1);
        Files.createDirectories(models.resolve("a-corrupt"));
        Files.write(models.resolve("a-corrupt").resolve(ModelStore.WEIGHTS), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        SafeTensors.Contents contents = SafeTensors.read(good.resolve(ModelStore.WEIGHTS));
        Map<String, String> absurd = new HashMap<>(contents.metadata());
        absurd.put("config", absurd.get("config").replaceFirst("\"baseChannels\":\\d+", "\"baseChannels\":100000"));
        write("a-absurd", contents, absurd);
        Map<String, String> unknown = new HashMap<>(contents.metadata());
        unknown.put("kind", "dreamer");
        write("a-unknown-kind", contents, unknown);
    }

    private static void write(String name, SafeTensors.Contents contents, Map<String, String> metadata) throws IOException {
        Files.createDirectories(models.resolve(name));
        SafeTensors.write(models.resolve(name).resolve(ModelStore.WEIGHTS), contents.tensors(), metadata);
    }

    @Test
    void eachBrokenModelIsFlaggedWithItsReasonAndTheGoodOneIsUsable() {
        assertThat(ModelCheck.problem(models.resolve("b-good"))).isEmpty();
        assertThat(ModelCheck.problem(models.resolve("a-corrupt"))).get().asString().contains("a-corrupt");
        assertThat(ModelCheck.problem(models.resolve("a-absurd"))).get().asString()
                .contains("baseChannels 100000 (a multiple of 8 up to 512)");
        assertThat(ModelCheck.problem(models.resolve("a-unknown-kind"))).get().asString()
                .contains("unknown model kind 'dreamer'");
    }

    @Test
    void theModelsCommandListsEveryModelAndFlagsTheBrokenOnes() {
        String previous = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", models.toString());
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            assertThat(dev.fewstep.cli.Main.run("models")).isZero();
        } finally {
            System.setOut(stdout);
            if (previous == null) {
                System.clearProperty("fewstep.models");
            } else {
                System.setProperty("fewstep.models", previous);
            }
        }
        String listing = out.toString();
        assertThat(listing).contains("a-absurd\n  UNUSABLE:").contains("a-corrupt\n  UNUSABLE:")
                .contains("a-unknown-kind\n  UNUSABLE:").contains("b-good\n  kind: teacher (teacher)");
    }

    @Test
    void theServerSkipsBrokenModelsAndNeverDefaultsToOne() {
        try (ModelRegistry registry = new ModelRegistry(models)) {
            assertThat(registry.list()).extracting(ModelRegistry.Entry::name).containsExactly("b-good");
            assertThat(registry.count()).isEqualTo(1);
            assertThat(registry.defaultModel()).contains("b-good");
            assertThatThrownBy(() -> registry.get("a-absurd")).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("cannot be loaded");
            assertThat(registry.get("b-good").info().kind()).isEqualTo(ModelInfo.TEACHER);
        }
    }
}
