package dev.fewstep.distill.sid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.cli.Main;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.loop.History;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fewstep distill sid} end to end on a tiny teacher: run, resume, refuse, plot. */
class DistillCommandTest {
    @TempDir
    Path dir;

    @Test
    void distillsResumesAndPlotsFromTheCommandLine() throws Exception {
        Path teacher = TinyModels.teacher(dir, "cli-teacher", 3);
        Path out = dir.resolve("cli-sid");
        String[] common = {"distill", "sid", "--teacher", teacher.toString(), "--out", out.toString(), "--batch", "2",
            "--checkpoint-every", "1", "--probe-every", "2", "--probe-images", "6", "--guidance", "1.5"};
        assertThat(Main.run(concat(common, "--iterations", "2"))).isZero();
        assertThat(step(out)).isEqualTo(2);
        assertThat(Main.run(concat(common, "--iterations", "3", "--resume"))).isZero();
        assertThat(step(out)).isEqualTo(3);
        assertThat(out.resolve(SidDistillation.LOG)).isRegularFile();
        assertThat(out.resolve(dev.fewstep.train.loop.SampleStatisticsProbe.PREVIEW)).isRegularFile();
        // Without --resume the command refuses to overwrite; a changed recipe cannot resume; bad values are rejected.
        assertThat(Main.run(concat(common, "--iterations", "4"))).isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run(concat(common, "--iterations", "4", "--resume", "--alpha", "1.0"))).isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", dir.resolve("x").toString(), "--batch", "0"))
                .isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", dir.resolve("x").toString(),
                "--matching-aware")).isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("distill", "sid", "--teacher", "no-such-teacher", "--out", dir.resolve("y").toString()))
                .isEqualTo(Main.BAD_INPUT);
        // SiDA options: --data-dir only with --adversarial, images must exist, --init-from must name a student.
        Path fresh = dir.resolve("z");
        assertThat(Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", fresh.toString(), "--data-dir",
                dir.toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", fresh.toString(), "--adversarial",
                "--data-dir", dir.resolve("no-images").toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(Main.run("distill", "sid", "--teacher", teacher.toString(), "--out", fresh.toString(), "--init-from",
                "no-such-student", "--iterations", "1")).isEqualTo(Main.BAD_INPUT);
        assertThat(fresh.resolve(ModelStore.WEIGHTS)).doesNotExist();
        // Data-free from a student: the generator waits --generator-warmup iterations, by default 1000 of 16 images.
        String[] fromStudent = {"distill", "sid", "--teacher", teacher.toString(), "--batch", "2", "--probe-images", "6",
            "--init-from", out.toString(), "--iterations", "1"};
        assertThat(Main.run(concat(fromStudent, "--out", dir.resolve("w1").toString(), "--generator-warmup", "3"))).isZero();
        assertThat(warmupImages(dir.resolve("w1"))).isEqualTo(6);
        assertThat(Main.run(concat(fromStudent, "--out", dir.resolve("w2").toString()))).isZero();
        assertThat(warmupImages(dir.resolve("w2"))).isEqualTo(SidConfig.STUDENT_WARMUP_IMAGES);
        assertThat(Main.run(concat(fromStudent, "--out", dir.resolve("w3").toString(), "--generator-warmup", "-1")))
                .isEqualTo(Main.BAD_INPUT);
        assertThat(warmupImages(out)).isZero();
        assertThat(Main.run("distill", "plot", "--model", out.toString())).isZero();
        assertThat(out.resolve(SidDistillation.PLOT)).isRegularFile();
    }

    private static ModelInfo info(Path out) {
        return ModelInfo.fromMetadata(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).metadata(), "student");
    }

    private static long step(Path out) {
        return info(out).step();
    }

    private static long warmupImages(Path out) {
        return SidConfig.fromJson(info(out).extra().get("sid"), "student").run().generatorWarmupImages();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
