package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fewstep.cli.CliTest.Run;
import dev.fewstep.serve.GenerationOrder;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate} refuses what it cannot do before it loads a model, and says what is wrong. */
class GenerateInputTest {
    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void tinyModel() throws IOException {
        model = TinyModels.teacher(dir, "tiny", 1);
    }

    @Test
    void anOutputPathThatCannotBeAPngIsRefusedBeforeTheModelLoads() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        List<String[]> cases = new ArrayList<>(List.of(
                new String[] {dir.toString(), "it is a folder; give a file name such as " + dir.resolve("out.png")},
                new String[] {dir.resolve("nope/x.png").toString(), "the folder " + dir.resolve("nope") + " does not exist"},
                new String[] {file.resolve("x.png").toString(), file + " is a file, not a folder"},
                new String[] {dir.resolve("x.jpg").toString(), "only .png is supported, not .jpg; name the file with .png at the end"},
                new String[] {dir.resolve("x").toString(), "only .png is supported; name the file with .png at the end"}));
        unwritableFolder().ifPresent(folder -> cases.add(
                new String[] {folder.resolve("x.png").toString(), "the folder " + folder + " is not writable"}));
        for (String[] c : cases) {
            // A model that does not exist: had the path been checked after loading, this would be the complaint.
            Run run = CliTest.run("generate", "--model", "no-such-model", "--prompt", "Sneaker", "--out", c[0]);
            assertThat(run.exit()).as(c[0]).isEqualTo(Main.BAD_INPUT);
            assertThat(run.err()).as(c[0]).isEqualTo("fewstep: cannot write " + c[0] + ": " + c[1] + System.lineSeparator());
        }
        assertThat(dir.resolve("x.jpg")).doesNotExist();
    }

    @Test
    void thePngIsWrittenWhateverTheCaseOfItsExtension() {
        Path png = dir.resolve("upper.PNG");
        Run run = CliTest.run("generate", "--model", model.toString(), "--prompt", "stripes", "--sampler", "euler",
                "--steps", "1", "--out", png.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(png).exists();
    }

    @Test
    void theImageCapCountsEveryPromptTimesN() {
        String out = dir.resolve("cap.png").toString();
        Run two = CliTest.run("generate", "--model", "no-such-model", "--prompt", "a", "--prompt", "b", "--n", "64",
                "--out", out);
        assertThat(two.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(two.err()).startsWith("fewstep: 2 prompts x n 64 = 128 images; at most 64 are allowed at once");
        Run all = CliTest.run("generate", "--model", model.toString(), "--all-prompts", "--n", "30", "--out", out);
        assertThat(all.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(all.err()).startsWith("fewstep: " + TinyModels.PROMPTS.size() + " prompts x n 30 = "
                + TinyModels.PROMPTS.size() * 30 + " images; at most 64");
        Run full = CliTest.run("generate", "--model", model.toString(), "--prompt", "a", "--prompt", "b", "--n", "32",
                "--sampler", "euler", "--steps", "1", "--scale", "1", "--out", out);
        assertThat(full.exit()).as(full.err()).isZero();
        assertThat(full.out()).contains("64 image(s)");
    }

    @Test
    void theCommandLineTakesTheSeedsTheServerTakesWithTheSameMessage() {
        String out = dir.resolve("seed.png").toString();
        for (String seed : new String[] {"-1", "9007199254740992"}) {
            Run run = CliTest.run("generate", "--model", "no-such-model", "--prompt", "x", "--seed", seed, "--out", out);
            Throwable server = catchThrowable(() -> GenerationOrder.parse(
                    "{\"prompt\": \"x\", \"seed\": " + seed + "}", () -> Optional.of("m")));
            assertThat(run.exit()).as(seed).isEqualTo(Main.BAD_INPUT);
            assertThat(run.err()).as(seed).isEqualTo("fewstep: " + server.getMessage() + System.lineSeparator())
                    .contains("seed must be between 0 and 9007199254740991");
        }
        Run largest = CliTest.run("generate", "--model", model.toString(), "--prompt", "x", "--seed", "9007199254740991",
                "--sampler", "euler", "--steps", "1", "--out", out);
        assertThat(largest.exit()).as(largest.err()).isZero();
    }

    @Test
    void aPromptOutsideTheVocabularyIsWarnedAboutWithTheNearestPrompts() {
        String out = dir.resolve("zebra.png").toString();
        Run unknown = CliTest.run("generate", "--model", model.toString(), "--prompt", "zebra crossing", "--prompt",
                "stripes", "--sampler", "euler", "--steps", "1", "--out", out);
        assertThat(unknown.exit()).as(unknown.err()).isZero();
        assertThat(unknown.err().lines().filter(line -> line.startsWith("fewstep: warning: ")))
                .singleElement().asString()
                .startsWith("fewstep: warning: \"zebra crossing\" is not one of the 3 prompts the model was trained on")
                .contains("nearest: \"");
        assertThat(unknown.out()).contains("wrote " + out);
    }

    /** A folder this process cannot write to; root writes through permission bits, so it gets /sys instead. */
    private static Optional<Path> unwritableFolder() throws IOException {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (isUnwritable(locked)) {
            return Optional.of(locked);
        }
        Path sys = Path.of("/sys");
        return Files.isDirectory(sys) && !Files.exists(sys.resolve("x.png")) && isUnwritable(sys)
                ? Optional.of(sys) : Optional.empty();
    }

    private static boolean isUnwritable(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, ".fewstep", ".probe"));
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
