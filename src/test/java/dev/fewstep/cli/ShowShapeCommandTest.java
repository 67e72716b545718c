package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowShapeCommandTest {
    @TempDir
    Path dir;

    @Test
    void showShapeWritesTheGroundTruthAsGlbObjAndTurntable() throws Exception {
        Path glb = dir.resolve("x.glb");
        CliTest.Run run = CliTest.run("data", "show-shape", "--scene", "a red cone on a blue cube", "--out", glb.toString(),
                "--obj", dir.resolve("x.obj").toString(), "--turntable", dir.resolve("x.gif").toString(), "--resolution", "24");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("a red cone on a blue cube").contains("triangles");
        assertThat(Files.size(glb)).isPositive();
        assertThat(Files.readString(dir.resolve("x.obj"))).startsWith("# fewstep mesh");
        assertThat(Files.size(dir.resolve("x.gif"))).isPositive();
    }

    @Test
    void anExistingFileIsLeftAloneWithoutForce() throws Exception {
        Path glb = dir.resolve("mine.glb");
        Files.writeString(glb, "the user's own file");
        CliTest.Run run = CliTest.run("data", "show-shape", "--scene", "a red cone", "--out", glb.toString());
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("already exists").contains("--force");
        assertThat(Files.readString(glb)).isEqualTo("the user's own file");
        CliTest.Run forced = CliTest.run("data", "show-shape", "--scene", "a red cone", "--out", glb.toString(), "--force",
                "--resolution", "16");
        assertThat(forced.exit()).as(forced.err()).isZero();
    }

    @Test
    void aCaptionOutsideTheGrammarOrAWrongExtensionIsBadInput() {
        CliTest.Run run = CliTest.run("data", "show-shape", "--scene", "a pink cone", "--out", dir.resolve("x.glb").toString());
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("expected a colour").doesNotContain("Exception");
        CliTest.Run png = CliTest.run("data", "show-shape", "--scene", "a red cone", "--out", dir.resolve("x.png").toString());
        assertThat(png.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(png.err()).contains(".glb");
    }

    @Test
    void makeShapesWritesTheDatasetAndRefusesToReplaceIt() {
        Path out = dir.resolve("shapes");
        CliTest.Run run = CliTest.run("data", "make", "shapes", "--out", out.toString(), "--scenes", "3", "--views", "2");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 scenes x 2 views = 6 images");
        CliTest.Run info = CliTest.run("data", "info", "shapes", "--data-dir", out.toString());
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.out()).contains("shapes: 6 images of 3x32x32");
        CliTest.Run again = CliTest.run("data", "make", "shapes", "--out", out.toString(), "--scenes", "3");
        assertThat(again.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(again.err()).contains("already exists");
        CliTest.Run fetch = CliTest.run("data", "fetch", "shapes");
        assertThat(fetch.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(fetch.err()).contains("data make shapes");
        CliTest.Run split = CliTest.run("data", "make", "shapes", "--out", out.toString(), "--split", "test");
        assertThat(split.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(split.err()).contains("train or held-out");
    }
}
