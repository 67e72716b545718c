package dev.fewstep.distill.sid;

import dev.fewstep.cli.Main;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchPollutionTest {
    @TempDir
    Path dir;

    void compare(String label, Path teacherDir, String digest) throws Exception {
        SidConfig c = SidConfig.defaults().withBatch(2).withIntervals(2, 2).withLearningRates(1e-3, 1e-3);
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            Path a = dir.resolve(label + "a"), b = dir.resolve(label + "b"), i = dir.resolve(label + "i");
            new SidDistiller(c.withIterations(4), teacherDir, a).distill(teacher, digest, false, DistillListener.NONE, IntervalProbe.NONE);
            new SidDistiller(c.withIterations(4), teacherDir, b).distill(teacher, digest, false, DistillListener.NONE, IntervalProbe.NONE);
            new SidDistiller(c.withIterations(2), teacherDir, i).distill(teacher, digest, false, DistillListener.NONE, IntervalProbe.NONE);
            new SidDistiller(c.withIterations(4), teacherDir, i).distill(teacher, digest, true, DistillListener.NONE, IntervalProbe.NONE);
            System.out.println("DIAG " + label + " fresh-vs-fresh " + SidDistillerTest.maxDifference(
                    SafeTensors.read(a.resolve(SidDistiller.STATE)).tensors(), SafeTensors.read(b.resolve(SidDistiller.STATE)).tensors())
                    + " fresh-vs-resumed " + SidDistillerTest.maxDifference(
                    SafeTensors.read(a.resolve(SidDistiller.STATE)).tensors(), SafeTensors.read(i.resolve(SidDistiller.STATE)).tensors()));
        }
    }

    @Test
    void scratch() throws Exception {
        Path teacherDir = TinyModels.teacher(dir, "t", 1);
        String digest = SidDistiller.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        compare("before", teacherDir, digest);
        Path cli = TinyModels.teacher(dir, "cli", 3);
        System.out.println("DIAG cli " + Main.run("distill", "sid", "--teacher", cli.toString(), "--out", dir.resolve("c").toString(),
                "--batch", "2", "--iterations", "2", "--checkpoint-every", "1", "--probe-every", "2", "--probe-images", "6", "--guidance", "1.5"));
        compare("after", teacherDir, digest);
    }
}
