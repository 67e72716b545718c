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
            new SidDistiller(c.withIterations(4), teacherDir, b).distill(teacher, digest, false, new DistillListener() {
                public void started(long f, long t) { for (int k = 0; k < 3; k++) { byte[][] junk = new byte[2000][]; for (int j = 0; j < junk.length; j++) junk[j] = new byte[100_000]; System.gc(); } }
                public void iterated(long it, double a1, double b1, double s1) { System.gc(); }
            }, IntervalProbe.NONE);
            new SidDistiller(c.withIterations(2), teacherDir, i).distill(teacher, digest, false, DistillListener.NONE, IntervalProbe.NONE);
            new SidDistiller(c.withIterations(4), teacherDir, i).distill(teacher, digest, true, new DistillListener() {
                public void started(long f, long t) { for (int k = 0; k < 3; k++) { byte[][] junk = new byte[2000][]; for (int j = 0; j < junk.length; j++) junk[j] = new byte[100_000]; System.gc(); } }
                public void iterated(long it, double a1, double b1, double s1) { System.gc(); }
            }, IntervalProbe.NONE);
            var x = SafeTensors.read(a.resolve(SidDistiller.STATE)).tensors();
            var y = SafeTensors.read(i.resolve(SidDistiller.STATE)).tensors();
            int shown = 0;
            for (String k : new java.util.TreeSet<>(x.keySet())) {
                double d = SidDistillerTest.maxDifference(java.util.Map.of(k, x.get(k)), java.util.Map.of(k, y.get(k)));
                if (d > 0 && shown++ < 12) System.out.println("DIAG   " + k + " " + d);
            }
            var ma = SafeTensors.read(a.resolve(SidDistiller.STATE)).metadata();
            var mi = SafeTensors.read(i.resolve(SidDistiller.STATE)).metadata();
            for (String k : ma.keySet()) if (!ma.get(k).equals(mi.get(k)) && !k.equals("distill_seconds") && !k.equals("extra")) System.out.println("DIAG meta " + k + " " + ma.get(k) + " vs " + mi.get(k));
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
        compare("again", teacherDir, digest);
        if (true) return;
        Path cli = TinyModels.teacher(dir, "cli", 3);
        System.out.println("DIAG cli " + Main.run("distill", "sid", "--teacher", cli.toString(), "--out", dir.resolve("c").toString(),
                "--batch", "2", "--iterations", "2", "--checkpoint-every", "1", "--probe-every", "2", "--probe-images", "6", "--guidance", "1.5"));
        compare("after", teacherDir, digest);
    }
}
