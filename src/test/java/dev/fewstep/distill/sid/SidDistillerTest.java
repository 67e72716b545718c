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

    private static SidConfig tiny(int iterations) {
        // A larger step than the default so that a few iterations visibly move a tiny network.
        return SidConfig.defaults().withBatch(2).withIterations(iterations).withIntervals(2, 2).withLearningRates(1e-3, 1e-3);
    }

    /** Runs with the teacher loaded here, so the test can look at its in-memory weights afterwards. */
    private static SidDistiller.Result run(SidConfig config, Path out, boolean resume, DiffusionModel teacher) throws IOException {
        return run(config, out, resume, teacher, DistillListener.NONE);
    }

    private static SidDistiller.Result run(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            DistillListener listener) throws IOException {
        return new SidDistiller(config, teacherDir, out).distill(teacher,
                SidDistiller.sha256(teacherDir.resolve(ModelStore.WEIGHTS)), resume, listener, IntervalProbe.NONE);
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
        String digest = SidDistiller.sha256(teacherDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            SidDistiller.Result result = run(tiny(1), out, false, teacher);
            assertThat(result.iterations()).isEqualTo(1);
            assertThat(result.skippedUpdates()).isZero();
            assertThat(same(Weights.of(teacher.network()), teacherFile)).as("teacher in memory").isTrue();
        }
        assertThat(SidDistiller.sha256(teacherDir.resolve(ModelStore.WEIGHTS))).isEqualTo(digest);
        Path state = out.resolve(SidDistiller.STATE);
        assertThat(same(tensors(state, "generator."), teacherFile)).as("generator moved").isFalse();
        assertThat(same(tensors(state, "fake."), teacherFile)).as("fake network moved").isFalse();
        assertThat(same(tensors(state, "generator."), tensors(state, "fake."))).isFalse();
        // The shipped student after one iteration is the generator itself (the average starts as a copy).
        assertThat(same(tensors(out.resolve(ModelStore.WEIGHTS), ""), tensors(state, "generator."))).isTrue();
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.kind()).isEqualTo(ModelInfo.SID);
        assertThat(info.sigmaInit()).isEqualTo(2.5);
        assertThat(info.step()).isEqualTo(1);
        assertThat(info.prompts()).isEqualTo(TinyModels.PROMPTS);
        assertThat(SidConfig.fromJson(info.extra().get("sid"), "student")).isEqualTo(tiny(1));
        assertThat(info.extra()).containsEntry("teacher", "tiny-teacher").containsEntry("teacher_sha256", digest);
    }

    @Test
    void theTeacherIsNeverUpdatedDuringAShortRun() throws IOException {
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(4).withGuidance(2, 1.5, 1.5), dir.resolve("short"), false, teacher);
            assertThat(same(Weights.of(teacher.network()), teacherFile)).isTrue();
            assertThat(teacher.network().getParameters().values().stream().noneMatch(p -> p.getArray().hasGradient())).isTrue();
        }
    }

    @Test
    void aShortDistillationResumesFromItsCheckpointBitForBit() throws IOException {
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(4), straight, false, teacher);
            run(tiny(2), interrupted, false, teacher);
            assertThat(ModelInfo.fromMetadata(SafeTensors.read(interrupted.resolve(ModelStore.WEIGHTS)).metadata(), "x").step()).isEqualTo(2);
            SidDistiller.Result resumed = run(tiny(4), interrupted, true, teacher);
            assertThat(resumed.iterations()).isEqualTo(4);
            assertThat(resumed.iterationsRun()).isEqualTo(2);
            // A resume of a run already at its last iteration does nothing and rewrites nothing.
            byte[] weights = Files.readAllBytes(interrupted.resolve(ModelStore.WEIGHTS));
            byte[] log = Files.readAllBytes(interrupted.resolve(DistillLog.FILE));
            SidDistiller.Result finished = run(tiny(4), interrupted, true, teacher);
            assertThat(finished.iterations()).isEqualTo(4);
            assertThat(finished.iterationsRun()).isZero();
            assertThat(finished.stopped()).isFalse();
            assertThat(Files.readAllBytes(interrupted.resolve(ModelStore.WEIGHTS))).isEqualTo(weights);
            assertThat(Files.readAllBytes(interrupted.resolve(DistillLog.FILE))).isEqualTo(log);
        }
        assertThat(same(tensors(straight.resolve(ModelStore.WEIGHTS), ""), tensors(interrupted.resolve(ModelStore.WEIGHTS), ""))).isTrue();
        assertThat(same(tensors(straight.resolve(SidDistiller.STATE), ""), tensors(interrupted.resolve(SidDistiller.STATE), ""))).isTrue();
        List<Long> iterations = new ArrayList<>();
        for (Map<String, Object> line : DistillLog.read(interrupted.resolve(DistillLog.FILE))) {
            iterations.add(((Number) line.get("iteration")).longValue());
        }
        assertThat(iterations).containsExactly(0L, 2L, 4L);
        assertThat(interrupted.resolve(DistillLog.PLOT)).isRegularFile();
    }

    @Test
    void aStopRequestEndsTheRunWithACheckpointFromWhichItResumesBitForBit() throws IOException {
        // What Ctrl-C does through the CLI's listener: the loop stops after iteration 3, between two checkpoints.
        Path straight = dir.resolve("stop-straight");
        Path stopped = dir.resolve("stopped");
        DistillListener stopAfterThree = new DistillListener() {
            private long iteration;

            @Override
            public void started(long firstIteration, long totalIterations) {}

            @Override
            public void iterated(long iteration, double fakeLoss, double generatorLoss, double secondsPerIteration) {
                this.iteration = iteration;
            }

            @Override
            public boolean stopRequested() {
                return iteration >= 3;
            }
        };
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(5), straight, false, teacher);
            SidDistiller.Result result = run(tiny(5), stopped, false, teacher, stopAfterThree);
            assertThat(result.stopped()).isTrue();
            assertThat(result.iterations()).isEqualTo(3);
            assertThat(ModelInfo.fromMetadata(SafeTensors.read(stopped.resolve(ModelStore.WEIGHTS)).metadata(), "x").step()).isEqualTo(3);
            SidDistiller.Result resumed = run(tiny(5), stopped, true, teacher);
            assertThat(resumed.stopped()).isFalse();
            assertThat(resumed.iterations()).isEqualTo(5);
        }
        assertThat(same(tensors(straight.resolve(ModelStore.WEIGHTS), ""), tensors(stopped.resolve(ModelStore.WEIGHTS), ""))).isTrue();
        assertThat(same(tensors(straight.resolve(SidDistiller.STATE), ""), tensors(stopped.resolve(SidDistiller.STATE), ""))).isTrue();
    }

    @Test
    void resumeRefusesAChangedRecipeAndAFreshRunRefusesToOverwrite() throws IOException {
        Path out = dir.resolve("guarded");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2), out, false, teacher);
            assertThatThrownBy(() -> run(tiny(4).withAlpha(1.0), out, true, teacher))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("alpha 1.2 -> 1.0 (only iterations, intervals, learning rates and the matching-aware discriminator may change");
            assertThatThrownBy(() -> run(tiny(4), out, false, teacher))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resume");
        }
        assertThatThrownBy(() -> new SidDistiller(tiny(2), teacherDir, teacherDir).distill(false, DistillListener.NONE, IntervalProbe.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tiny(2).withBatch(0).validated()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resumeMayChangeTheLearningRatesAndTheLogAndTheMetadataKeepTheEarlierOnes() throws IOException {
        Path out = dir.resolve("decayed");
        Path constant = dir.resolve("constant");
        SidConfig first = tiny(2);
        SidConfig later = tiny(4).withLearningRates(first.generatorLearningRate() / 5, first.fakeLearningRate() / 10);
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(first, out, false, teacher);
            assertThat(run(later, out, true, teacher).iterations()).isEqualTo(4);
            run(tiny(4), constant, false, teacher);
        }
        // resuming is bit for bit (test above), so only the new rates can make the last two steps differ
        assertThat(same(tensors(out.resolve(SidDistiller.STATE), "generator."),
                tensors(constant.resolve(SidDistiller.STATE), "generator."))).isFalse();
        List<Map<String, Object>> lines = DistillLog.read(out.resolve(DistillLog.FILE));
        assertThat(lines).extracting(line -> ((Number) line.get("generator_lr")).doubleValue())
                .containsExactly(first.generatorLearningRate(), first.generatorLearningRate(), later.generatorLearningRate());
        assertThat(lines).extracting(line -> ((Number) line.get("fake_lr")).doubleValue())
                .containsExactly(first.fakeLearningRate(), first.fakeLearningRate(), later.fakeLearningRate());
        SidConfig saved = SidConfig.fromJson(ModelInfo.fromMetadata(
                SafeTensors.read(out.resolve(SidDistiller.STATE)).metadata(), "x").extra().get("sid"), "x");
        assertThat(saved).isEqualTo(later);
        // The model's metadata keeps the rates --resume replaced: a resume with unchanged rates adds nothing, each change
        // closes a segment; a run whose rates never changed has no such entry.
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(6).withLearningRates(later.generatorLearningRate(), later.fakeLearningRate()), out, true, teacher);
            run(tiny(8), out, true, teacher);
        }
        String expected = "0-2: generator " + first.generatorLearningRate() + ", fake " + first.fakeLearningRate()
                + "; 2-6: generator " + later.generatorLearningRate() + ", fake " + later.fakeLearningRate();
        assertThat(extra(out.resolve(ModelStore.WEIGHTS))).containsEntry(SidDistiller.EARLIER_LEARNING_RATES, expected);
        assertThat(extra(out.resolve(SidDistiller.STATE))).containsEntry(SidDistiller.EARLIER_LEARNING_RATES, expected);
        assertThat(extra(constant.resolve(ModelStore.WEIGHTS))).doesNotContainKey(SidDistiller.EARLIER_LEARNING_RATES);
        assertThat(SidDistiller.rateSegmentStart(expected)).isEqualTo("6");
        assertThat(SidDistiller.rateSegmentStart(null)).isEqualTo("0");
        assertThatThrownBy(() -> SidDistiller.rateSegmentStart("0-2 generator 1e-3"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("FROM-TO: generator G, fake F");
    }

    private static Map<String, String> extra(Path file) {
        return ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString()).extra();
    }

    @Test
    void severalFakeUpdatesPerIterationStepTheFakeNetworkThatOftenAndTheGeneratorOnce() throws IOException {
        Path once = dir.resolve("fake-once");
        Path thrice = dir.resolve("fake-thrice");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2), once, false, teacher);
            run(tiny(2).withFakeUpdates(3), thrice, false, teacher);
            assertThatThrownBy(() -> run(tiny(4), thrice, true, teacher))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("fakeUpdates 3 -> 1");
        }
        Map<String, String> meta = SafeTensors.read(thrice.resolve(SidDistiller.STATE)).metadata();
        assertThat(meta).containsEntry("fake_adam_updates", "6").containsEntry("generator_adam_updates", "2");
        assertThat(SafeTensors.read(once.resolve(SidDistiller.STATE)).metadata()).containsEntry("fake_adam_updates", "2");
        assertThat(same(tensors(once.resolve(SidDistiller.STATE), "fake."), tensors(thrice.resolve(SidDistiller.STATE), "fake.")))
                .isFalse();
        assertThatThrownBy(() -> tiny(2).withFakeUpdates(0).validated()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fake updates");
    }

    @Test
    void aRunWhoseUpdatesKeepFailingStopsAfterFiveIterationsWhateverTheFakeUpdatesAndKeepsItsCheckpoint() throws IOException {
        for (int fakeUpdates : new int[] {1, 3}) {
            Path out = dir.resolve("diverging-" + fakeUpdates);
            try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
                // One NaN weight makes every output, loss and gradient of the networks copied from it non-finite.
                teacher.network().getParameters().valueAt(0).getArray().muli(Float.NaN);
                assertThatThrownBy(() -> run(tiny(20).withFakeUpdates(fakeUpdates), out, false, teacher))
                        .isInstanceOf(DivergedException.class)
                        .hasMessageContaining("diverged at iteration " + SidDistiller.MAX_SKIPPED_ITERATIONS_IN_A_ROW)
                        .hasMessageContaining("last checkpoint (iteration 4)");
            }
            Map<String, String> meta = SafeTensors.read(out.resolve(SidDistiller.STATE)).metadata();
            assertThat(meta).containsEntry("iteration", "4").containsEntry("generator_adam_updates", "0")
                    .containsEntry("fake_adam_updates", "0");
        }
    }

    @Test
    void settingsSavedBeforeFakeUpdatesExistedReadAsOneFakeUpdate() {
        String json = tiny(2).toJson().replace("\"fakeUpdates\":1,", "");
        assertThat(json).doesNotContain("fakeUpdates");
        assertThat(SidConfig.fromJson(json, "old state")).isEqualTo(tiny(2));
    }

    @Test
    void theStudentGeneratesInOneStepDeterministicallyForASeed() throws IOException {
        Path out = dir.resolve("student");
        new SidDistiller(tiny(2), teacherDir, out).distill(false, DistillListener.NONE, new SampleStatisticsProbe(out, 6));
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
                StudentSnapshot snapshot = new StudentSnapshot(new OneStepGenerator(student.network(), 2.5), scope, TinyModels.PROMPTS);
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
        assertThatThrownBy(() -> new SidDistiller(tiny(1), oneStep, dir.resolve("nope")).distill(false, DistillListener.NONE, IntervalProbe.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one-step");
        assertThat(Files.exists(dir.resolve("nope").resolve(ModelStore.WEIGHTS))).isFalse();
    }

    /** SiDA on the tiny teacher's synthetic images: the generator waits for 2 images (iteration 0 of batch 2). */
    private static SidConfig adversarial(int iterations) {
        return tiny(iterations).withAdversarial(true).withGeneratorWarmup(2);
    }

    private static SidDistiller.Result runAdversarial(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            Path initialStudent) throws IOException {
        return runFrom(config, out, resume, teacher, TinyModels.data(12, 1, 3), initialStudent);
    }

    /** Runs with real data (SiDA) or without (null), from the teacher or from {@code initialStudent}. */
    private static SidDistiller.Result runFrom(SidConfig config, Path out, boolean resume, DiffusionModel teacher,
            ImageDataset realData, Path initialStudent) throws IOException {
        return new SidDistiller(config, teacherDir, out, realData, initialStudent).distill(teacher,
                SidDistiller.sha256(teacherDir.resolve(ModelStore.WEIGHTS)), resume, DistillListener.NONE, IntervalProbe.NONE);
    }

    @Test
    void adversarialDistillationLogsItsLossesWaitsForTheWarmupAndResumesBitForBit() throws IOException {
        Path straight = dir.resolve("sida-straight");
        Path interrupted = dir.resolve("sida-interrupted");
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            runAdversarial(adversarial(1), dir.resolve("sida-one"), false, teacher, null);
            Path one = dir.resolve("sida-one").resolve(SidDistiller.STATE);
            assertThat(same(tensors(one, "generator."), teacherFile)).as("generator waits in the warm-up").isTrue();
            assertThat(same(tensors(one, "fake."), teacherFile)).as("fake network and discriminator moved").isFalse();

            runAdversarial(adversarial(4), straight, false, teacher, null);
            runAdversarial(adversarial(2), interrupted, false, teacher, null);
            runAdversarial(adversarial(4), interrupted, true, teacher, null);
            assertThat(same(Weights.of(teacher.network()), teacherFile)).as("teacher untouched").isTrue();
        }
        assertThat(same(tensors(straight.resolve(SidDistiller.STATE), "generator."), teacherFile)).isFalse();
        assertThat(same(tensors(straight.resolve(SidDistiller.STATE), ""), tensors(interrupted.resolve(SidDistiller.STATE), ""))).isTrue();
        List<Map<String, Object>> log = DistillLog.read(straight.resolve(DistillLog.FILE));
        Map<String, Object> last = log.get(log.size() - 1);
        assertThat(((Number) last.get("discriminator_bce")).doubleValue()).isPositive();
        assertThat(((Number) last.get("generator_bce")).doubleValue()).isPositive();
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(straight.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.extra().get("method")).startsWith("SiDA");
        // A data-free state cannot be resumed as SiDA, and SiDA needs its images.
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            Path dataFree = dir.resolve("sida-from-data-free");
            run(tiny(2), dataFree, false, teacher);
            assertThatThrownBy(() -> runAdversarial(adversarial(4), dataFree, true, teacher, null))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("adversarial false -> true, generatorWarmupImages 0 -> 2 (only");
        }
        assertThatThrownBy(() -> new SidDistiller(adversarial(1), teacherDir, dir.resolve("x"), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("training images");
    }

    @Test
    void theMatchingAwareDiscriminatorMaySwitchOnAtAResumeAndTheMetadataSaysWhen() throws IOException {
        Path plain = dir.resolve("sida-plain");
        Path switched = dir.resolve("sida-matching-aware");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            runAdversarial(adversarial(2), plain, false, teacher, null);
            runAdversarial(adversarial(4), plain, true, teacher, null);
            runAdversarial(adversarial(2), switched, false, teacher, null);
            runAdversarial(adversarial(4).withMatchingAware(true), switched, true, teacher, null);
        }
        // Up to the switch both runs are the same; after it the discriminator's extra term moves the fake network.
        assertThat(same(tensors(plain.resolve(SidDistiller.STATE), "fake."), tensors(switched.resolve(SidDistiller.STATE), "fake.")))
                .isFalse();
        Map<String, Object> last = DistillLog.read(switched.resolve(DistillLog.FILE)).get(2);
        assertThat(((Number) last.get("iteration")).longValue()).isEqualTo(4);
        assertThat(((Number) last.get("mismatched_bce")).doubleValue()).isPositive();
        assertThat(DistillLog.read(plain.resolve(DistillLog.FILE)).get(2)).doesNotContainKey("mismatched_bce");
        assertThat(extra(switched.resolve(ModelStore.WEIGHTS))).containsEntry(SidDistiller.MATCHING_AWARE_SWITCHES, "on at 2");
        assertThat(extra(plain.resolve(ModelStore.WEIGHTS))).doesNotContainKey(SidDistiller.MATCHING_AWARE_SWITCHES);
        assertThat(SidConfig.fromJson(extra(switched.resolve(SidDistiller.STATE)).get("sid"), "state").matchingAware()).isTrue();

        assertThatThrownBy(() -> tiny(1).withMatchingAware(true).validated())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the adversarial term (--adversarial)");
        ImageDataset onePrompt = new ImageDataset("one-prompt", 1, 32, new float[2 * 32 * 32], new int[2], List.of("square"));
        assertThatThrownBy(() -> new SidDistiller(adversarial(1).withMatchingAware(true), teacherDir, dir.resolve("y"),
                onePrompt, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the matching-aware discriminator needs training images of at least two prompts; one-prompt has 1");
    }

    @Test
    void sid2aStartsTheGeneratorFromAStudentAndTheFakeNetworkFromTheTeacher() throws IOException {
        Path student = dir.resolve("sid2a-student");
        Path out = dir.resolve("sid2a");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2), student, false, teacher);
            // A warm-up longer than the run: the generator does not step, so it must still be the student.
            runAdversarial(tiny(1).withAdversarial(true).withGeneratorWarmup(1000), out, false, teacher, student);
        }
        Map<String, Tensor> studentWeights = tensors(student.resolve(ModelStore.WEIGHTS), "");
        assertThat(same(tensors(out.resolve(SidDistiller.STATE), "generator."), studentWeights)).isTrue();
        assertThat(same(tensors(out.resolve(ModelStore.WEIGHTS), ""), studentWeights)).isTrue();
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.extra()).containsEntry("initialized_from", "sid2a-student at step 2");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            assertThatThrownBy(() -> runAdversarial(adversarial(1), dir.resolve("sid2a-bad"), false, teacher, teacherDir))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a one-step student");
        }
    }

    @Test
    void aDataFreeRunFromAStudentWaitsForItsWarmupThenMovesTheGenerator() throws IOException {
        Path student = dir.resolve("warm-student");
        Path out = dir.resolve("warm");
        Path interrupted = dir.resolve("warm-interrupted");
        SidConfig warm = tiny(3).withGeneratorWarmup(4); // batch 2: iterations 0 and 1 train only the fake network
        Map<String, Tensor> teacherFile = tensors(teacherDir.resolve(ModelStore.WEIGHTS), "");
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            run(tiny(2), student, false, teacher);
            runFrom(warm.withIterations(2), interrupted, false, teacher, null, student);
            runFrom(warm, interrupted, true, teacher, null, student);
            runFrom(warm, out, false, teacher, null, student);
        }
        Map<String, Tensor> studentWeights = tensors(student.resolve(ModelStore.WEIGHTS), "");
        Map<String, Tensor> state = tensors(out.resolve(SidDistiller.STATE), "");
        assertThat(same(tensors(interrupted.resolve(SidDistiller.STATE), ""), state)).as("resumes bit for bit").isTrue();
        SafeTensors.Contents saved = SafeTensors.read(out.resolve(SidDistiller.STATE));
        assertThat(saved.metadata()).containsEntry("generator_adam_updates", "1").containsEntry("fake_adam_updates", "3");
        assertThat(same(tensors(out.resolve(SidDistiller.STATE), "generator."), studentWeights)).as("generator stepped").isFalse();
        assertThat(same(tensors(out.resolve(SidDistiller.STATE), "fake."), teacherFile)).as("fake network trained").isFalse();
        ModelInfo info = ModelInfo.fromMetadata(saved.metadata(), "state");
        assertThat(info.extra().get("method")).contains("data-free");
        assertThat(SidConfig.fromJson(info.extra().get("sid"), "state").generatorWarmupImages()).isEqualTo(4);
        // The average continues from the student's 2 iterations of 2 images (its ramped half-life), also on resume.
        assertThat(info.extra()).containsEntry(SidDistiller.STUDENT_IMAGES, "4");
        assertThat(ModelInfo.fromMetadata(SafeTensors.read(interrupted.resolve(SidDistiller.STATE)).metadata(), "state")
                .extra()).containsEntry(SidDistiller.STUDENT_IMAGES, "4");
    }
}
