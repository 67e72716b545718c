package dev.fewstep.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fewstep batch} on {@code local[2]} with the shipped one-step student fashion-sida. */
class SparkBatchTest {
    static final String MODEL = "fashion-sida";
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    @TempDir
    static Path dir;

    static Path prompts;

    /** 20 prompt lines: plain ones (seed = base + line index), a blank line, and JSON lines with their own settings. */
    @BeforeAll
    static void promptsFile() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            lines.add(CLASSES.get(i % CLASSES.size()));
        }
        lines.add(5, "");
        lines.add("{\"prompt\": \"Bag\", \"seed\": 1000, \"negative\": \"Sneaker\"}");
        lines.add("{\"prompt\": \"Coat\", \"sampler\": \"euler\", \"steps\": 2, \"cfg\": 1.5}");
        prompts = dir.resolve("prompts.txt");
        Files.write(prompts, lines);
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            return new Run(Main.run(args), o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static Run batch(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("batch", "--model", MODEL, "--prompts", prompts.toString(), "--out",
                out.toString(), "--master", "local[2]", "--partitions", "2", "--seed", "40"));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static Map<String, FileTime> pngs(Path out) throws IOException {
        Map<String, FileTime> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(out)) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".png")).toList()) {
                files.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    @Test
    void twentyPromptsMakeTwentyImagesOfGenerateAndARerunOnlyFillsTheGaps() throws IOException {
        Path out = dir.resolve("out");
        Run first = batch(out);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("20 image(s) of 20 prompt(s)").contains("in 2 partition(s)").contains("20 generated")
                .contains("model loaded 1 time(s)");

        List<ManifestEntry> manifest = Manifest.read(out.resolve(Manifest.FILE));
        assertThat(pngs(out)).hasSize(20);
        assertThat(manifest).hasSize(20);
        for (ManifestEntry entry : manifest) {
            assertThat(entry.sha256()).as(entry.file()).isEqualTo(PartitionWriter.sha256(Files.readAllBytes(out.resolve(entry.file()))));
            assertThat(entry.nfe()).isEqualTo(1);
            assertThat(entry.model()).isEqualTo(MODEL);
        }
        assertThat(manifest.get(0).seed()).isEqualTo(40);
        assertThat(manifest.get(17).seed()).as("seed = base + line index, blank lines not counted").isEqualTo(40 + 17);
        assertThat(manifest.get(17).prompt()).isEqualTo(CLASSES.get(7));
        assertThat(manifest.get(18).seed()).isEqualTo(1000);
        assertThat(manifest.get(18).negative()).isEqualTo("Sneaker");
        assertThat(manifest.get(19).sampler()).isEqualTo("euler");

        // The same bytes as generate's --out-dir file for the same prompt, seed and options.
        for (int line : new int[] {0, 7, 18, 19}) {
            ManifestEntry entry = manifest.get(line);
            Path generated = dir.resolve("generate-" + line);
            List<String> args = new ArrayList<>(List.of("generate", "--model", MODEL, "--prompt", entry.prompt(), "--seed",
                    Long.toString(entry.seed()), "--sampler", entry.sampler(), "--steps", Integer.toString(entry.steps()),
                    "--cfg", Double.toString(entry.cfg()), "--out", dir.resolve("grid-" + line + ".png").toString(),
                    "--out-dir", generated.toString()));
            if (entry.negative() != null) {
                args.addAll(List.of("--negative", entry.negative()));
            }
            Run generate = run(args.toArray(String[]::new));
            assertThat(generate.exit()).as(generate.err()).isZero();
            assertThat(out.resolve(entry.file())).as(entry.file())
                    .hasSameBinaryContentAs(generated.resolve("00-" + entry.seed() + ".png"));
        }

        // A second run writes no image, and its manifest is the same.
        Map<String, FileTime> written = pngs(out);
        String manifestText = Files.readString(out.resolve(Manifest.FILE));
        Run again = batch(out);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 generated, 20 already there").contains("model loaded 0 time(s)");
        assertThat(pngs(out)).isEqualTo(written);
        assertThat(Files.readString(out.resolve(Manifest.FILE))).isEqualTo(manifestText);

        // As after a kill: some images and the manifest gone; the rerun makes only those, and the same bytes.
        byte[] gone = Files.readAllBytes(out.resolve(manifest.get(3).file()));
        for (int line : new int[] {3, 11, 19}) {
            Files.delete(out.resolve(manifest.get(line).file()));
        }
        Files.delete(out.resolve(Manifest.FILE));
        Run resumed = batch(out);
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("3 generated, 17 already there");
        assertThat(Files.readString(out.resolve(Manifest.FILE))).isEqualTo(manifestText);
        assertThat(Files.readAllBytes(out.resolve(manifest.get(3).file()))).isEqualTo(gone);
        Map<String, FileTime> after = pngs(out);
        written.keySet().stream().filter(f -> !f.startsWith("000003") && !f.startsWith("000011") && !f.startsWith("000019"))
                .forEach(f -> assertThat(after.get(f)).as(f + " untouched").isEqualTo(written.get(f)));
    }

    @Test
    void aFileOfAnotherBatchInTheWayIsLeftAsItIsAndNamed() throws IOException {
        Path out = Files.createDirectories(dir.resolve("foreign"));
        Path first = dir.resolve("one.txt");
        Files.writeString(first, "Sneaker\n");
        Run made = run("batch", "--model", MODEL, "--prompts", first.toString(), "--out", out.toString(), "--master", "local[1]");
        assertThat(made.exit()).as(made.err()).isZero();
        Files.writeString(first, "Sandal\n"); // the same file name, another prompt
        byte[] before = Files.readAllBytes(out.resolve("000000-0.png"));
        Run clash = run("batch", "--model", MODEL, "--prompts", first.toString(), "--out", out.toString(), "--master", "local[1]");
        assertThat(clash.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(clash.err()).contains("000000-0.png exists but was made with other parameters").contains("Sandal")
                .doesNotContain("\tat ");
        assertThat(Files.readAllBytes(out.resolve("000000-0.png"))).isEqualTo(before);
    }

    @Test
    void badInputIsRefusedWithItsLineBeforeSparkStarts() throws IOException {
        Path out = dir.resolve("never");
        Run missing = run("batch", "--model", MODEL, "--prompts", dir.resolve("nope.txt").toString(), "--out", out.toString());
        assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("nope.txt: no such file");

        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n  \n");
        assertThat(run("batch", "--model", MODEL, "--prompts", empty.toString(), "--out", out.toString()).err())
                .contains("holds no prompts");

        Path json = Files.writeString(dir.resolve("bad.jsonl"), "Sneaker\n{\"prompt\": \"Bag\"}\n{\"prompt\": \"Bag\",\n");
        Run badJson = run("batch", "--model", MODEL, "--prompts", json.toString(), "--out", out.toString());
        assertThat(badJson.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(badJson.err()).contains("bad.jsonl line 3: not valid JSON");

        Path typo = Files.writeString(dir.resolve("typo.jsonl"), "{\"promt\": \"Bag\"}\n");
        assertThat(run("batch", "--model", MODEL, "--prompts", typo.toString(), "--out", out.toString()).err())
                .contains("typo.jsonl line 1: unknown field \"promt\"");

        Path steps = Files.writeString(dir.resolve("steps.jsonl"), "Bag\n\n{\"prompt\": \"Bag\", \"steps\": 0}\n");
        assertThat(run("batch", "--model", MODEL, "--prompts", steps.toString(), "--out", out.toString()).err())
                .contains("steps.jsonl line 3: steps must be between 1 and");

        Run master = run("batch", "--model", MODEL, "--prompts", prompts.toString(), "--out", out.toString(), "--master", "lokal[2]");
        assertThat(master.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(master.err()).contains("--master lokal[2]: use local");

        Run unknown = run("batch", "--model", "no-such-model", "--prompts", prompts.toString(), "--out", out.toString());
        assertThat(unknown.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(unknown.err()).contains("unknown model 'no-such-model'");
        assertThat(out).doesNotExist();
    }
}
