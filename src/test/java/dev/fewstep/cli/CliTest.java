package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void tinyModel() throws IOException {
        model = TinyModels.teacher(dir, "tiny", 1);
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

    @Test
    void generateWritesAGridAndReportsNfe() throws IOException {
        Path png = dir.resolve("grid.png");
        Run run = run("generate", "--model", model.toString(), "--prompt", "stripes", "--sampler", "dpmpp2m",
                "--steps", "3", "--n", "4", "--seed", "3", "--scale", "1", "--out", png.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("NFE 3").contains("images/s").containsPattern("after a [0-9.]+ s warm-up evaluation");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(2 * 32 + 2);
        assertThat(image.getHeight()).isEqualTo(2 * 32 + 2);
    }

    @Test
    void aOneStepStudentSaysWhichSamplerOptionsItIgnores() throws IOException {
        Path student = TinyModels.oneStep(dir, "tiny-student", 1);
        Path png = dir.resolve("student.png");
        Run asked = run("generate", "--model", student.toString(), "--prompt", "stripes", "--steps", "4", "--cfg", "3",
                "--out", png.toString());
        assertThat(asked.exit()).as(asked.err()).isZero();
        assertThat(asked.out()).contains("NFE 1");
        assertThat(asked.err()).contains("one-step generator").contains("--steps, --cfg ignored").doesNotContain("--sampler");
        Run plain = run("generate", "--model", student.toString(), "--prompt", "stripes", "--out", png.toString());
        assertThat(plain.exit()).isZero();
        assertThat(plain.err()).doesNotContain("ignored");
        Run teacher = run("generate", "--model", model.toString(), "--prompt", "stripes", "--steps", "2", "--out", png.toString());
        assertThat(teacher.err()).doesNotContain("ignored");
    }

    @Test
    void distillResumeOfAFinishedRunSaysSoInsteadOfPrintingLosses() {
        String student = dir.resolve("distilled").toString();
        String[] args = {"distill", "sid", "--teacher", model.toString(), "--out", student, "--iterations", "1", "--batch",
            "2", "--probe-images", "2", "--fid-features", "none"};
        Run first = run(args);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("done: 1 iterations").doesNotContain("NaN");
        String[] resume = Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        Run again = run(resume);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("was already at iteration 1 (--iterations 1); nothing to distil")
                .doesNotContain("NaN");
    }

    @Test
    void sameSeedGivesTheSameImage() throws IOException {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Path c = dir.resolve("c.png");
        for (Path p : new Path[] {a, b}) {
            assertThat(run("generate", "--model", model.toString(), "--prompt", "dark square", "--sampler", "ddim",
                    "--steps", "2", "--seed", "11", "--out", p.toString()).exit()).isZero();
        }
        run("generate", "--model", model.toString(), "--prompt", "dark square", "--sampler", "ddim", "--steps", "2",
                "--seed", "12", "--out", c.toString());
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    }

    @Test
    void badInputGivesOneLineAndExitTwo() {
        String out = dir.resolve("x.png").toString();
        String m = model.toString();
        String[][] cases = {
            {"generate", "--model", "no-such-model", "--prompt", "x", "--out", out},
            {"generate", "--model", m, "--prompt", "x", "--sampler", "plms", "--out", out},
            {"generate", "--model", m, "--prompt", "x", "--steps", "0", "--out", out},
            {"generate", "--model", m, "--prompt", "x", "--n", "0", "--out", out},
            {"generate", "--model", m, "--prompt", "x", "--n", "65", "--out", out},
            {"generate", "--model", m, "--prompt", "  ", "--out", out},
            {"generate", "--model", m, "--prompt", "x", "--out", "/no/such/folder/x.png"},
            {"generate", "--model", m, "--prompt", "x", "--steps", "many", "--out", out},
            {"generate", "--model", m, "--out", out},
            {"train", "--dataset", "cifar", "--out", dir.resolve("t").toString()},
            {"nonsense"},
        };
        for (String[] args : cases) {
            Run run = run(args);
            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(Main.BAD_INPUT);
            assertThat(run.err()).as(String.join(" ", args)).startsWith("fewstep: ").doesNotContain("\tat ").doesNotContain("Exception");
        }
        assertThat(Files.exists(dir.resolve("x.png"))).isFalse();
    }

    @Test
    void allPromptsOfAModelWithoutPromptsIsABadInput() throws IOException {
        Path unnamed = TinyModels.teacherWithoutPrompts(dir, "no-prompts");
        Run r = run("generate", "--model", unnamed.toString(), "--all-prompts", "--out", dir.resolve("none.png").toString());
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).startsWith("fewstep: ").contains("has no prompt vocabulary; give --prompt TEXT").doesNotContain("\tat ");
        assertThat(dir.resolve("none.png")).doesNotExist();
    }

    @Test
    void corruptModelFileIsABadInputNotACrash() throws IOException {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.write(broken.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Run run = run("generate", "--model", broken.toString(), "--prompt", "x", "--out", dir.resolve("y.png").toString());
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("not a safetensors file");
    }

    @Test
    void helpExitsZero() {
        Run run = run("--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("generate").contains("train");
    }

    @Test
    void everyCommandTakesTheHelpTheErrorHintPointsTo() {
        Run missing = run("eval");
        assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("Missing required option").contains("fewstep eval --help");
        assertThat(run("distill", "sid").err()).contains("(see: fewstep distill sid --help)");
        for (String[] command : new String[][] {{"eval"}, {"bench"}, {"distill", "sid"}, {"train"}, {"generate"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            Run help = run(args);
            assertThat(help.exit()).as(String.join(" ", args) + ": " + help.err()).isZero();
            assertThat(help.out()).as(String.join(" ", args)).contains("Usage: fewstep " + String.join(" ", command));
        }
    }
}
