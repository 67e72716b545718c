package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.cli.Main;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.References;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.TinyFeatures;
import dev.fewstep.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench}'s adaptive row: the teacher's policies on the bench's own prompts and seeds. */
class AdaptiveBenchTest {
    @TempDir
    static Path models;
    static String previousRoot;

    @BeforeAll
    static void setUp() throws Exception {
        previousRoot = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", models.toString());
        TinyModels.teacher(models, "tiny-teacher", 1);
        TinyModels.oneStep(models, "tiny-sid", 1);
        Path features = models.resolve("tiny-features");
        TinyFeatures.classifier(features);
        try (FeatureModel model = FeatureModel.load(features)) {
            ReferenceSet.build(model, TinyModels.data(60, 1, 5), "fixture patterns", TinyModels.data(60, 1, 6),
                    "more fixture patterns", References.SEED).save(features.resolve(ReferenceSet.FILE));
        }
        try (Policy only = Policy.create("only-sid", "tiny-teacher", List.of("tiny-sid"), new int[] {1}, 4, 1);
                Policy mixed = Policy.create("mixed", "tiny-teacher", List.of("tiny-sid", "euler:2"), new int[] {1, 2}, 4, 1);
                Policy elsewhere = Policy.create("elsewhere", "other-teacher", List.of("tiny-sid"), new int[] {1}, 4, 1)) {
            only.save(models.resolve("only-sid"), Map.of());
            mixed.save(models.resolve("mixed"), Map.of());
            elsewhere.save(models.resolve("elsewhere"), Map.of());
        }
    }

    @AfterAll
    static void tearDown() {
        if (previousRoot == null) {
            System.clearProperty("fewstep.models");
        } else {
            System.setProperty("fewstep.models", previousRoot);
        }
    }

    private static String bench(Path out, String... more) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String[] base = {"bench", "--model", "tiny-teacher", "--features", "tiny-features", "--n", "9", "--samplers",
                "euler", "--nfe", "2", "--out", out.toString()};
            String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
            System.arraycopy(more, 0, args, base.length, more.length);
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode report(Path out) throws Exception {
        try (var files = Files.list(out)) {
            return new ObjectMapper().readTree(files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow().toFile());
        }
    }

    @Test
    void aPolicyOfOneActionScoresAsThatActionAndAMixCountsItsMeanNfe(@TempDir Path out) throws Exception {
        String printed = bench(out);
        JsonNode report = report(out);
        JsonNode sid = null;
        for (JsonNode row : report.get("rows")) {
            if (row.get("method").asText().equals("tiny-sid")) {
                sid = row;
            }
        }
        assertThat(sid).isNotNull();
        JsonNode adaptive = report.get("adaptive");
        assertThat(adaptive).extracting(r -> r.get("method").asText())
                .as("the policies of this teacher, not of another").containsExactly("policy mixed", "policy only-sid");

        JsonNode only = adaptive.get(1);
        assertThat(only.get("nfe").asDouble()).isEqualTo(1.0);
        assertThat(only.get("choices").get("tiny-sid").asInt()).isEqualTo(9);
        // The same images as the fixed row (same prompts, same seeds), made one at a time instead of in a batch.
        assertThat(only.get("fid").asDouble()).isCloseTo(sid.get("fid").asDouble(), within(1e-3 * sid.get("fid").asDouble()));
        assertThat(only.get("promptAccuracy").asDouble()).isEqualTo(sid.get("promptAccuracy").asDouble());

        JsonNode mixed = adaptive.get(0);
        int ones = mixed.get("choices").get("tiny-sid").asInt();
        int twos = mixed.get("choices").get("euler:2").asInt();
        assertThat(ones + twos).isEqualTo(9);
        assertThat(mixed.get("nfe").asDouble()).isCloseTo((ones + 2.0 * twos) / 9, within(1e-12));
        assertThat(printed).contains("| policy only-sid | auto | - | 1.00 (mean) |");

        Path without = out.resolveSibling(out.getFileName() + "-without");
        bench(without, "--no-adaptive");
        assertThat(report(without).get("adaptive")).isEmpty();
    }
}
