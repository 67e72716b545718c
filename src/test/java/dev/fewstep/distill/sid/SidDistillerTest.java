package dev.fewstep.distill.sid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.train.DivergedException;
import dev.fewstep.train.loop.Checkpoint;
import dev.fewstep.train.loop.History;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.SampleStatisticsProbe;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingLoop;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidDistillerTest {
    @TempDir
    static Path dir;

    static Path teacherDir;

    @BeforeAll
    static void teacher() throws IOException {
        teacherDir = TinyModels.teacher(dir, "tiny-teacher", 1);
    }

    private static SidConfigs tiny(int iterations) {
        return SidConfigs.tiny(iterations);
    }

    /** Runs with the teacher loaded here, so the test can look at its in-memory weights afterwards. */
    private static TrainingLoop.Result run(SidConfig config, Path out, boolean resume, DiffusionModel teacher) throws IOException {
        return run(config, out, resume, teacher, LoopListener.NONE);
    }

    private static TrainingLoop.Result run(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            LoopListener listener) throws IOException {
        return runFrom(config, out, resume, teacher, null, null, listener, Probe.NONE);
    }

    private static TrainingLoop.Result runFrom(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            ImageDataset realData, Path initialStudent) throws IOException {
        return runFrom(config, out, resume, teacher, realData, initialStudent, LoopListener.NONE, Probe.NONE);
    }

    /** Runs with real data (SiDA) or without (null), from the teacher or from {@code initialStudent}. */
    static TrainingLoop.Result runFrom(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            ImageDataset realData, Path initialStudent, LoopListener listener, Probe probe) throws IOException {
        SidSetup setup = SidSetup.of(teacherDir, out, realData, initialStudent);
        try (SidDistillation method = new SidDistillation(config, teacher, setup)) {
            return new TrainingLoop(out, method).run(resume ? TrainingLoop.Start.RESUME : TrainingLoop.Start.FRESH,
                    listener, probe);
        }
    }

    private static Map<String, Tensor> tensors(Path file, String prefix) {
        Map<String, Tensor> out = new java.util.HashMap<>();
        SafeTensors.read(file).tensors().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static boolean same(Map<String, Tensor> a, Map<String, Tensor> b) {
        return a.keySet().equals(b.keySet())
                && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k).data(), b.get(k).data()));
    }

    @Test
    void oneIterationUpdatesGeneratorAndFakeNetworkAndLeavesTheTeacherBitIdentical() throws IOException {
        Path out = dir.resolve("one");
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        String digest = ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            TrainingLoop.Result result = run(tiny(1).build(), out, false, teacher);
            assertThat(result.iteration()).isEqualTo(1);
            assertThat(result.skippedUpdates()).isZero();
            assertThat(same(Weights.of(teacher.network()), teacherFile)).as("teacher in memory").isTrue();
        }
        assertThat(ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS))).isEqualTo(digest);
        Path state = out.resolve(Checkpoint.STATE);
        assertThat(same(tensors(state, "generator."), teacherFile)).as("generator moved").isFalse();
        assertThat(same(tensors(state, "fake."), teacherFile)).as("fake network moved").isFalse();
        assertThat(same(tensors(state, "generator."), tensors(state, "fake."))).isFalse();
        // The shipped student after one iteration is the generator itself (the average starts as a copy).
        assertThat(same(tensors(out.resolve(ModelStore.WEIGHTS), ""), tensors(state, "generator."))).isTrue();
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.kind()).isEqualTo(ModelInfo.SID);
        assertThat(info.sigmas()).containsExactly(2.5);
        assertThat(info.step()).isEqualTo(1);
        assertThat(info.prompts()).isEqualTo(TinyModels.PROMPTS);
        assertThat(SidConfig.fromJson(info.extra().get("sid"), "student")).isEqualTo(tiny(1).build());
        assertThat(info.extra()).containsEntry("teacher", "tiny-teacher").containsEntry("teacher_sha256", digest);
    }

    @Test
    void theTeacherIsNeverUpdatedDuringAShortRun() throws IOException {
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(4).guidance(2, 1.5, 1.5).build(), dir.resolve("short"), false, teacher);
            assertThat(same(Weights.of(teacher.network()), teacherFile)).isTrue();
            assertThat(teacher.network().getParameters().values().stream().noneMatch(p -> p.getArray().hasGradient())).isTrue();
        }
    }

    @Test
    void aShortDistillationResumesFromItsCheckpointBitForBit() throws IOException {
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(4).build(), straight, false, teacher);
            run(tiny(2).build(), interrupted, false, teacher);
            assertThat(ModelInfo.fromMetadata(SafeTensors.read(interrupted.resolve(ModelStore.WEIGHTS)).metadata(), "x").step()).isEqualTo(2);
            TrainingLoop.Result resumed = run(tiny(4).build(), interrupted, true, teacher);
            assertThat(resumed.iteration()).isEqualTo(4);
            assertThat(resumed.iterationsRun()).isEqualTo(2);
            // A resume of a run already at its last iteration does nothing and rewrites nothing.
            byte[] weights = Files.readAllBytes(interrupted.resolve(ModelStore.WEIGHTS));
            byte[] log = Files.readAllBytes(interrupted.resolve(SidDistillation.LOG));
            TrainingLoop.Result finished = run(tiny(4).build(), interrupted, true, teacher);
            assertThat(finished.iteration()).isEqualTo(4);
            assertThat(finished.iterationsRun()).isZero();
            assertThat(finished.stopped()).isFalse();
            assertThat(Files.readAllBytes(interrupted.resolve(ModelStore.WEIGHTS))).isEqualTo(weights);
            assertThat(Files.readAllBytes(interrupted.resolve(SidDistillation.LOG))).isEqualTo(log);
        }
        assertThat(same(tensors(straight.resolve(ModelStore.WEIGHTS), ""), tensors(interrupted.resolve(ModelStore.WEIGHTS), ""))).isTrue();
        assertThat(same(tensors(straight.resolve(Checkpoint.STATE), ""), tensors(interrupted.resolve(Checkpoint.STATE), ""))).isTrue();
        List<Long> iterations = new ArrayList<>();
        for (Map<String, Object> line : History.read(interrupted.resolve(SidDistillation.LOG))) {
            iterations.add(((Number) line.get("iteration")).longValue());
        }
        assertThat(iterations).containsExactly(0L, 2L, 4L);
        assertThat(interrupted.resolve(SidDistillation.PLOT)).isRegularFile();
    }

    @Test
    void aStopRequestEndsTheRunWithACheckpointFromWhichItResumesBitForBit() throws IOException {
        // What Ctrl-C does through the CLI's listener: the loop stops after iteration 3, between two checkpoints.
        Path straight = dir.resolve("stop-straight");
        Path stopped = dir.resolve("stopped");
        LoopListener stopAfterThree = new LoopListener() {
            private long iteration;

            @Override
            public void started(long firstIteration, long totalIterations) {}

            @Override
            public void iterated(long iteration, Map<String, Double> metrics, double secondsPerIteration) {
                this.iteration = iteration;
            }

            @Override
            public boolean stopRequested() {
                return iteration >= 3;
            }
        };
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(5).build(), straight, false, teacher);
            TrainingLoop.Result result = run(tiny(5).build(), stopped, false, teacher, stopAfterThree);
            assertThat(result.stopped()).isTrue();
            assertThat(result.iteration()).isEqualTo(3);
            assertThat(ModelInfo.fromMetadata(SafeTensors.read(stopped.resolve(ModelStore.WEIGHTS)).metadata(), "x").step()).isEqualTo(3);
            TrainingLoop.Result resumed = run(tiny(5).build(), stopped, true, teacher);
            assertThat(resumed.stopped()).isFalse();
            assertThat(resumed.iteration()).isEqualTo(5);
        }
        assertThat(same(tensors(straight.resolve(ModelStore.WEIGHTS), ""), tensors(stopped.resolve(ModelStore.WEIGHTS), ""))).isTrue();
        assertThat(same(tensors(straight.resolve(Checkpoint.STATE), ""), tensors(stopped.resolve(Checkpoint.STATE), ""))).isTrue();
    }

    @Test
    void resumeRefusesAChangedRecipeAndAFreshRunRefusesToOverwrite() throws IOException {
        Path out = dir.resolve("guarded");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2).build(), out, false, teacher);
            assertThatThrownBy(() -> run(tiny(4).alpha(1.0).build(), out, true, teacher))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("loss.alpha 1.2 -> 1.0 (only iterations, intervals, learning rates and the matching-aware discriminator may change");
            assertThatThrownBy(() -> run(tiny(4).build(), out, false, teacher))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resume");
        }
        assertThatThrownBy(() -> SidSetup.of(teacherDir, teacherDir, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be the teacher's folder");
        assertThatThrownBy(() -> tiny(2).batch(0).build().validated()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resumeMayChangeTheLearningRatesAndTheLogAndTheMetadataKeepTheEarlierOnes() throws IOException {
        Path out = dir.resolve("decayed");
        Path constant = dir.resolve("constant");
        SidConfig first = tiny(2).build();
        SidConfig later = tiny(4).learningRates(first.optimiser().generatorLearningRate() / 5, first.optimiser().fakeLearningRate() / 10).build();
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(first, out, false, teacher);
            assertThat(run(later, out, true, teacher).iteration()).isEqualTo(4);
            run(tiny(4).build(), constant, false, teacher);
        }
        // resuming is bit for bit (test above), so only the new rates can make the last two steps differ
        assertThat(same(tensors(out.resolve(Checkpoint.STATE), "generator."),
                tensors(constant.resolve(Checkpoint.STATE), "generator."))).isFalse();
        List<Map<String, Object>> lines = History.read(out.resolve(SidDistillation.LOG));
        assertThat(lines).extracting(line -> ((Number) line.get("generator_lr")).doubleValue())
                .containsExactly(first.optimiser().generatorLearningRate(), first.optimiser().generatorLearningRate(), later.optimiser().generatorLearningRate());
        assertThat(lines).extracting(line -> ((Number) line.get("fake_lr")).doubleValue())
                .containsExactly(first.optimiser().fakeLearningRate(), first.optimiser().fakeLearningRate(), later.optimiser().fakeLearningRate());
        SidConfig saved = SidConfig.fromJson(ModelInfo.fromMetadata(
                SafeTensors.read(out.resolve(Checkpoint.STATE)).metadata(), "x").extra().get("sid"), "x");
        assertThat(saved).isEqualTo(later);
        // The model's metadata keeps the rates --resume replaced: a resume with unchanged rates adds nothing, each change
        // closes a segment; a run whose rates never changed has no such entry.
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(6).learningRates(later.optimiser().generatorLearningRate(), later.optimiser().fakeLearningRate()).build(), out, true, teacher);
            run(tiny(8).build(), out, true, teacher);
        }
        String expected = "[{\"from\":0,\"to\":2,\"generator\":" + first.optimiser().generatorLearningRate() + ",\"fake\":"
                + first.optimiser().fakeLearningRate() + "},{\"from\":2,\"to\":6,\"generator\":"
                + later.optimiser().generatorLearningRate() + ",\"fake\":" + later.optimiser().fakeLearningRate() + "}]";
        assertThat(extra(out.resolve(ModelStore.WEIGHTS))).containsEntry(SidRecord.EARLIER_LEARNING_RATES, expected);
        assertThat(extra(out.resolve(Checkpoint.STATE))).containsEntry(SidRecord.EARLIER_LEARNING_RATES, expected);
        assertThat(extra(constant.resolve(ModelStore.WEIGHTS))).doesNotContainKey(SidRecord.EARLIER_LEARNING_RATES);
    }

    private static Map<String, String> extra(Path file) {
        return ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString()).extra();
    }

    @Test
    void severalFakeUpdatesPerIterationStepTheFakeNetworkThatOftenAndTheGeneratorOnce() throws IOException {
        Path once = dir.resolve("fake-once");
        Path thrice = dir.resolve("fake-thrice");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2).build(), once, false, teacher);
            run(tiny(2).fakeUpdates(3).build(), thrice, false, teacher);
            assertThatThrownBy(() -> run(tiny(4).build(), thrice, true, teacher))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("optimiser.fakeUpdates 3 -> 1");
        }
        Map<String, String> meta = SafeTensors.read(thrice.resolve(Checkpoint.STATE)).metadata();
        assertThat(meta).containsEntry("fake_adam_updates", "6").containsEntry("generator_adam_updates", "2");
        assertThat(SafeTensors.read(once.resolve(Checkpoint.STATE)).metadata()).containsEntry("fake_adam_updates", "2");
        assertThat(same(tensors(once.resolve(Checkpoint.STATE), "fake."), tensors(thrice.resolve(Checkpoint.STATE), "fake.")))
                .isFalse();
        assertThatThrownBy(() -> tiny(2).fakeUpdates(0).build().validated()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fake updates");
    }

    @Test
    void aRunWhoseUpdatesKeepFailingStopsAfterFiveIterationsWhateverTheFakeUpdatesAndKeepsItsCheckpoint() throws IOException {
        for (int fakeUpdates : new int[] {1, 3}) {
            Path out = dir.resolve("diverging-" + fakeUpdates);
            try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
                // One NaN weight makes every output, loss and gradient of the networks copied from it non-finite.
                teacher.network().getParameters().valueAt(0).getArray().muli(Float.NaN);
                assertThatThrownBy(() -> run(tiny(20).fakeUpdates(fakeUpdates).build(), out, false, teacher))
                        .isInstanceOf(DivergedException.class)
                        .hasMessageContaining("diverged at iteration " + SidDistillation.MAX_SKIPPED_ITERATIONS_IN_A_ROW)
                        .hasMessageContaining("checkpoint of iteration 4");
            }
            Map<String, String> meta = SafeTensors.read(out.resolve(Checkpoint.STATE)).metadata();
            assertThat(meta).containsEntry("iteration", "4").containsEntry("generator_adam_updates", "0")
                    .containsEntry("fake_adam_updates", "0");
        }
    }

    @Test
    void flatSettingsOfStudentsDistilledBeforeTheSectionsReadIntoTheirSections() {
        String flat = "{\"alpha\":1.2,\"sigmaInit\":2.5,\"tMax\":800,\"pMean\":-1.2,\"pStd\":1.2,\"guidanceTeacher\":2.0,"
                + "\"guidanceFakeTrain\":2.0,\"guidanceFakeEval\":2.0,\"promptDropout\":0.1,\"generatorLearningRate\":0.001,"
                + "\"fakeLearningRate\":0.001,\"beta1\":0.0,\"beta2\":0.999,\"epsilon\":1.0E-8,\"generatorLossScale\":100.0,"
                + "\"fakeLossScale\":1.0,\"emaHalfLifeImages\":50000.0,\"emaRampup\":0.05,\"batch\":2,\"iterations\":2,"
                + "\"seed\":1,\"checkpointEvery\":2,\"probeEvery\":2}";
        assertThat(SidConfig.fromJson(flat, "old student")).isEqualTo(tiny(2).build());
        String sida = flat.replace("}", ",\"adversarial\":true,\"adversarialWarmupImages\":2,\"matchingAware\":true}");
        assertThat(SidConfig.fromJson(sida, "old student")).isEqualTo(tiny(2).matchingAware(true).generatorWarmup(2).build());
    }

    @Test
    void theStudentGeneratesInOneStepDeterministicallyForASeed() throws IOException {
        Path out = dir.resolve("student");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            runFrom(tiny(2).build(), out, false, teacher, null, null, LoopListener.NONE, new SampleStatisticsProbe(out, 6));
        }
        assertThat(out.resolve(SampleStatisticsProbe.PREVIEW)).isRegularFile();
        try (DiffusionModel student = DiffusionModel.load(out)) {
            GenerateRequest request = new GenerateRequest("dark square", "heun", 18, 2.0, 7, 3);
            Generation.Result first = Generation.generate(student, request);
            Generation.Result second = Generation.generate(student, request);
            assertThat(first.nfe()).isEqualTo(1);
            assertThat(first.pixels()).containsExactly(second.pixels());
            Generation.Result other = Generation.generate(student, new GenerateRequest("dark square", "heun", 18, 2.0, 8, 3));
            assertThat(Arrays.equals(first.pixels(), other.pixels())).isFalse();
            // The probe's snapshot generates the same images as the saved model does.
            try (var scope = student.manager().newSubManager()) {
                Snapshot snapshot = new Snapshot(student.generator(), null, scope, TinyModels.PROMPTS, 1, 32);
                float[] probed = snapshot.generate(List.of("dark square", "dark square", "dark square"), 7);
                for (int i = 0; i < probed.length; i++) {
                    assertThat(Math.abs(probed[i] - first.pixels()[i])).isLessThan(1e-5f);
                }
            }
        }
    }

    @Test
    void aStudentCannotBeDistilledFurtherAsATeacher() throws IOException {
        Path oneStep = TinyModels.oneStep(dir, "tiny-one-step", 1);
        assertThatThrownBy(() -> {
            try (DiffusionModel student = DiffusionModel.load(oneStep)) {
                new SidDistillation(tiny(1).build(), student, SidSetup.of(oneStep, dir.resolve("nope"), null, null));
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a distilled model (kind sid)");
        assertThat(Files.exists(dir.resolve("nope").resolve(ModelStore.WEIGHTS))).isFalse();
    }

    /** SiDA on the tiny teacher's synthetic images: the generator waits for 2 images (iteration 0 of batch 2). */
    private static SidConfigs adversarial(int iterations) {
        return tiny(iterations).adversarial(true).generatorWarmup(2);
    }

    private static TrainingLoop.Result runAdversarial(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            Path initialStudent) throws IOException {
        return runFrom(config, out, resume, teacher, TinyModels.data(12, 1, 3), initialStudent, LoopListener.NONE, Probe.NONE);
    }

    @Test
    void adversarialDistillationLogsItsLossesWaitsForTheWarmupAndResumesBitForBit() throws IOException {
        Path straight = dir.resolve("sida-straight");
        Path interrupted = dir.resolve("sida-interrupted");
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            runAdversarial(adversarial(1).build(), dir.resolve("sida-one"), false, teacher, null);
            Path one = dir.resolve("sida-one").resolve(Checkpoint.STATE);
            assertThat(same(tensors(one, "generator."), teacherFile)).as("generator waits in the warm-up").isTrue();
            assertThat(same(tensors(one, "fake."), teacherFile)).as("fake network and discriminator moved").isFalse();

            runAdversarial(adversarial(4).build(), straight, false, teacher, null);
            runAdversarial(adversarial(2).build(), interrupted, false, teacher, null);
            runAdversarial(adversarial(4).build(), interrupted, true, teacher, null);
            assertThat(same(Weights.of(teacher.network()), teacherFile)).as("teacher untouched").isTrue();
        }
        assertThat(same(tensors(straight.resolve(Checkpoint.STATE), "generator."), teacherFile)).isFalse();
        assertThat(same(tensors(straight.resolve(Checkpoint.STATE), ""), tensors(interrupted.resolve(Checkpoint.STATE), ""))).isTrue();
        List<Map<String, Object>> log = History.read(straight.resolve(SidDistillation.LOG));
        Map<String, Object> last = log.get(log.size() - 1);
        assertThat(((Number) last.get("discriminator_bce")).doubleValue()).isPositive();
        assertThat(((Number) last.get("generator_bce")).doubleValue()).isPositive();
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(straight.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.extra().get("method")).startsWith("SiDA");
        // A data-free state cannot be resumed as SiDA, and SiDA needs its images.
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            Path dataFree = dir.resolve("sida-from-data-free");
            run(tiny(2).build(), dataFree, false, teacher);
            assertThatThrownBy(() -> runAdversarial(adversarial(4).build(), dataFree, true, teacher, null))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("run.generatorWarmupImages 0 -> 2, sida null -> {\"matchingAware\":false} (only");
        }
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            assertThatThrownBy(() -> run(adversarial(1).build(), dir.resolve("x"), false, teacher))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("training images");
        }
    }

    @Test
    void theMatchingAwareDiscriminatorMaySwitchOnAtAResumeAndTheMetadataSaysWhen() throws IOException {
        Path plain = dir.resolve("sida-plain");
        Path switched = dir.resolve("sida-matching-aware");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            runAdversarial(adversarial(2).build(), plain, false, teacher, null);
            runAdversarial(adversarial(4).build(), plain, true, teacher, null);
            runAdversarial(adversarial(2).build(), switched, false, teacher, null);
            runAdversarial(adversarial(4).matchingAware(true).build(), switched, true, teacher, null);
        }
        // Up to the switch both runs are the same; after it the discriminator's extra term moves the fake network.
        assertThat(same(tensors(plain.resolve(Checkpoint.STATE), "fake."), tensors(switched.resolve(Checkpoint.STATE), "fake.")))
                .isFalse();
        Map<String, Object> last = History.read(switched.resolve(SidDistillation.LOG)).get(2);
        assertThat(((Number) last.get("iteration")).longValue()).isEqualTo(4);
        assertThat(((Number) last.get("mismatched_bce")).doubleValue()).isPositive();
        assertThat(History.read(plain.resolve(SidDistillation.LOG)).get(2)).doesNotContainKey("mismatched_bce");
        assertThat(extra(switched.resolve(ModelStore.WEIGHTS))).containsEntry(SidRecord.MATCHING_AWARE_SWITCHES, "[{\"iteration\":2,\"on\":true}]");
        assertThat(extra(plain.resolve(ModelStore.WEIGHTS))).doesNotContainKey(SidRecord.MATCHING_AWARE_SWITCHES);
        assertThat(SidConfig.fromJson(extra(switched.resolve(Checkpoint.STATE)).get("sid"), "state").matchingAware()).isTrue();

        ImageDataset onePrompt = new ImageDataset("one-prompt", 1, 32, new float[2 * 32 * 32], new int[2], List.of("square"));
        assertThatThrownBy(() -> {
            try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
                runFrom(adversarial(1).matchingAware(true).build(), dir.resolve("y"), false, teacher, onePrompt, null,
                        LoopListener.NONE, Probe.NONE);
            }
        }).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the matching-aware discriminator needs training images of at least two prompts; one-prompt has 1");
    }

    @Test
    void sid2aStartsTheGeneratorFromAStudentAndTheFakeNetworkFromTheTeacher() throws IOException {
        Path student = dir.resolve("sid2a-student");
        Path out = dir.resolve("sid2a");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2).build(), student, false, teacher);
            // A warm-up longer than the run: the generator does not step, so it must still be the student.
            runAdversarial(tiny(1).adversarial(true).generatorWarmup(1000).build(), out, false, teacher, student);
        }
        Map<String, Tensor> studentWeights = tensors(student.resolve(ModelStore.WEIGHTS), "");
        assertThat(same(tensors(out.resolve(Checkpoint.STATE), "generator."), studentWeights)).isTrue();
        assertThat(same(tensors(out.resolve(ModelStore.WEIGHTS), ""), studentWeights)).isTrue();
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.extra()).containsEntry("initialized_from", "sid2a-student at step 2");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            assertThatThrownBy(() -> runAdversarial(adversarial(1).build(), dir.resolve("sid2a-bad"), false, teacher, teacherDir))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a one-step student");
        }
    }

    @Test
    void aDataFreeRunFromAStudentWaitsForItsWarmupThenMovesTheGenerator() throws IOException {
        Path student = dir.resolve("warm-student");
        Path out = dir.resolve("warm");
        Path interrupted = dir.resolve("warm-interrupted");
        SidConfig warm = tiny(3).generatorWarmup(4).build(); // batch 2: iterations 0 and 1 train only the fake network
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2).build(), student, false, teacher);
            runFrom(tiny(2).generatorWarmup(4).build(), interrupted, false, teacher, null, student);
            runFrom(warm, interrupted, true, teacher, null, student);
            runFrom(warm, out, false, teacher, null, student);
        }
        Map<String, Tensor> studentWeights = tensors(student.resolve(ModelStore.WEIGHTS), "");
        Map<String, Tensor> state = tensors(out.resolve(Checkpoint.STATE), "");
        assertThat(same(tensors(interrupted.resolve(Checkpoint.STATE), ""), state)).as("resumes bit for bit").isTrue();
        SafeTensors.Contents saved = SafeTensors.read(out.resolve(Checkpoint.STATE));
        assertThat(saved.metadata()).containsEntry("generator_adam_updates", "1").containsEntry("fake_adam_updates", "3");
        assertThat(same(tensors(out.resolve(Checkpoint.STATE), "generator."), studentWeights)).as("generator stepped").isFalse();
        assertThat(same(tensors(out.resolve(Checkpoint.STATE), "fake."), teacherFile)).as("fake network trained").isFalse();
        ModelInfo info = ModelInfo.fromMetadata(saved.metadata(), "state");
        assertThat(info.extra().get("method")).contains("data-free");
        assertThat(SidConfig.fromJson(info.extra().get("sid"), "state").run().generatorWarmupImages()).isEqualTo(4);
        // The average continues from the student's 2 iterations of 2 images (its ramped half-life), also on resume.
        assertThat(info.extra()).containsEntry(SidRecord.STUDENT_IMAGES, "4");
        assertThat(ModelInfo.fromMetadata(SafeTensors.read(interrupted.resolve(Checkpoint.STATE)).metadata(), "state")
                .extra()).containsEntry(SidRecord.STUDENT_IMAGES, "4");
    }
}
