package dev.fewstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.cli.Main;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.TinyFeatures;
import dev.fewstep.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval} and {@code bench} end to end on a tiny teacher, a tiny classifier and the fixture patterns. */
class EvalCommandTest {
    static final List<String> FIELDS = List.of("model", "kind", "modelStep", "sampler", "steps", "cfg", "nfe", "n", "seed",
            "fid", "fidFloor", "floorCount", "precision", "recall", "floorPrecision", "floorRecall", "promptAccuracy",
            "alignment", "scoreStandardError", "referenceScore", "mismatchedScore", "features", "reference", "referenceCount", "seconds", "imagesPerSecond",
            "totalSeconds", "measuredAt");

    @TempDir
    static Path models;
    static Path teacher;
    static Path features;
    static String previousRoot;

    @BeforeAll
    static void setUp() throws Exception {
        previousRoot = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", models.toString());
        teacher = TinyModels.teacher(models, "tiny-teacher", 1);
        TinyModels.oneStep(models, "tiny-sid", 1);
        features = models.resolve("tiny-features");
        TinyFeatures.classifier(features);
        try (FeatureModel model = FeatureModel.load(features)) {
            ImageDataset reference = TinyModels.data(60, 1, 5);
            ImageDataset floor = TinyModels.data(60, 1, 6);
            ReferenceSet.build(model, reference, "fixture patterns", floor, "more fixture patterns", References.SEED)
                    .save(features.resolve(ReferenceSet.FILE));
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

    record Run(int exitCode, String out, String err) {
        JsonNode lastLineJson() throws Exception {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static Run eval(String... extra) {
        return evalWithSeed(3, extra);
    }

    private static Run evalWithSeed(long seed, String... extra) {
        String[] base = {"eval", "--model", "tiny-teacher", "--features", "tiny-features", "--n", "12", "--steps", "2",
                "--seed", Long.toString(seed), "--json"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void jsonHoldsEveryFieldAndTheSameSeedGivesTheSameScores() throws Exception {
        Run first = eval();
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode json = first.lastLineJson();
        for (String field : FIELDS) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.size()).isEqualTo(FIELDS.size());
        assertThat(json.get("n").asInt()).isEqualTo(12);
        assertThat(json.get("nfe").asInt()).isEqualTo(3); // Heun: 2 steps cost 2 * 2 - 1
        assertThat(json.get("sampler").asText()).isEqualTo("heun");
        assertThat(json.get("fid").asDouble()).isPositive();
        assertThat(json.get("fidFloor").asDouble()).isLessThan(json.get("fid").asDouble());
        assertThat(json.get("promptAccuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("alignment").isNull()).isTrue();
        // 0/1 scores: the sample variance is n p (1 - p) / (n - 1), so the standard error is sqrt(p (1 - p) / (n - 1))
        double accuracy = json.get("promptAccuracy").asDouble();
        assertThat(json.get("scoreStandardError").asDouble())
                .isCloseTo(Math.sqrt(accuracy * (1 - accuracy) / 11), within(1e-6));
        assertThat(json.get("referenceScore").asDouble()).isEqualTo(1.0);
        assertThat(json.get("mismatchedScore").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("reference").asText()).isEqualTo("fixture patterns");
        assertThat(first.out()).contains("FID", "precision", "recall", "prompt accuracy", "standard error", "images/s");

        JsonNode again = eval().lastLineJson();
        for (String field : List.of("fid", "fidFloor", "precision", "recall", "promptAccuracy")) {
            assertThat(again.get(field).asDouble()).as(field).isEqualTo(json.get(field).asDouble());
        }
        JsonNode otherSeed = evalWithSeed(4).lastLineJson();
        assertThat(otherSeed.get("fid").asDouble()).isNotEqualTo(json.get("fid").asDouble());
    }

    @Test
    void chunkingDoesNotChangeTheSamples() throws Exception {
        JsonNode whole = eval().lastLineJson();
        JsonNode chunked = eval("--chunk", "5").lastLineJson();
        assertThat(chunked.get("fid").asDouble()).isCloseTo(whole.get("fid").asDouble(),
                org.assertj.core.api.Assertions.within(1e-3 * whole.get("fid").asDouble()));
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] args : List.of(
                new String[] {"eval", "--model", "tiny-teacher", "--features", "tiny-features", "--n", "2"},
                new String[] {"eval", "--model", "tiny-teacher", "--features", "tiny-features", "--sampler", "nope"},
                new String[] {"eval", "--model", "no-such-model"},
                new String[] {"eval", "--model", "tiny-teacher"},
                new String[] {"eval", "--model", "tiny-teacher", "--features", "no-such-features"})) {
            Run r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        }
    }

    @Test
    void benchWritesJsonTableAndPlotWithDistilledRows(@TempDir Path out) throws Exception {
        Run r = run("bench", "--model", "tiny-teacher", "--features", "tiny-features", "--n", "8", "--samplers", "euler,heun",
                "--nfe", "1,2", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path json;
        try (var files = Files.list(out)) {
            json = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        assertThat(json.getFileName().toString()).startsWith("tiny-teacher-").endsWith("-n8.json");
        Path png = out.resolve(json.getFileName().toString().replace(".json", "-fid.png"));
        assertThat(Files.size(png)).isPositive();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode rows = report.get("rows");
        // euler at NFE 1 and 2, heun at NFE 1 (2 NFE is no Heun step count), and the one-step model.
        assertThat(rows.size()).isEqualTo(4);
        assertThat(rows.get(0).get("sampler").asText()).isEqualTo("euler");
        assertThat(rows.get(1).get("nfe").asInt()).isEqualTo(2);
        assertThat(rows.get(2).get("sampler").asText()).isEqualTo("heun");
        assertThat(rows.get(3).get("method").asText()).isEqualTo("tiny-sid");
        assertThat(rows.get(3).get("nfe").asInt()).isEqualTo(1);
        assertThat(rows.get(3).get("sampler").isNull()).isTrue();
        for (JsonNode row : rows) {
            for (String field : List.of("fid", "fidFloor", "precision", "recall", "promptAccuracy", "seconds", "imagesPerSecond")) {
                assertThat(row.get(field).isNumber()).as(field).isTrue();
            }
        }
        assertThat(r.out()).contains("| method | sampler |", "| tiny-sid | one-step |", "real (floor)", "prompt acc. ± s.e.");
        JsonNode oneStep = rows.get(3);
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "| %.4f ± %.4f |",
                oneStep.get("promptAccuracy").asDouble(), oneStep.get("scoreStandardError").asDouble()));
        // A second run the same day keeps the first run's files.
        Run again = run("bench", "--model", "tiny-teacher", "--features", "tiny-features", "--n", "8", "--samplers", "euler",
                "--nfe", "1", "--no-distilled", "--out", out.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(json).isRegularFile();
        assertThat(out.resolve(json.getFileName().toString().replace(".json", "-2.json"))).isRegularFile();
        assertThat(new ObjectMapper().readTree(json.toFile()).get("rows").size()).isEqualTo(4);
    }
}
