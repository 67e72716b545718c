package dev.fewstep.distill.sid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.latent.LatentKinds;
import dev.fewstep.latent.TinyLatentModels;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.loop.Checkpoint;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.SampleStatisticsProbe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SiD of a latent teacher: the generator learns in latent space and the student ships with the teacher's decoder. */
class LatentSidTest {
    @TempDir
    static Path dir;
    static Path teacherDir;

    @BeforeAll
    static void teacher() throws IOException {
        teacherDir = TinyLatentModels.teacher(dir, "tiny-ldm");
    }

    private static Map<String, Tensor> tensors(Path file, String prefix) {
        Map<String, Tensor> out = new HashMap<>();
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

    /** The tensors of {@code all} whose names are those of {@code names}. */
    private static Map<String, Tensor> only(Map<String, Tensor> all, Map<String, Tensor> names) {
        Map<String, Tensor> out = new HashMap<>(all);
        out.keySet().retainAll(names.keySet());
        return out;
    }

    @Test
    void oneIterationChangesTheStudentOnlyAndItsGeneratorDecodesToTheDatasSize() throws IOException {
        Path out = dir.resolve("one");
        Path teacherFile = teacherDir.resolve(ModelStore.WEIGHTS);
        Map<String, Tensor> teacherTensors = tensors(teacherFile, "");
        String digest = ModelStore.sha256(teacherFile);
        Map<String, Tensor> unet;
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            unet = Weights.of(teacher.network());
            SidSetup setup = SidSetup.of(teacherDir, out, null, null);
            try (SidDistillation method = new SidDistillation(SidConfigs.tiny(1).build(), teacher, setup)) {
                TrainingLoop.Result result = new TrainingLoop(out, method).run(TrainingLoop.Start.FRESH,
                        LoopListener.NONE, new SampleStatisticsProbe(out, 4));
                assertThat(result.iteration()).isEqualTo(1);
                assertThat(result.skippedUpdates()).isZero();
            }
            assertThat(same(Weights.of(teacher.network()), unet)).as("teacher in memory").isTrue();
        }
        assertThat(ModelStore.sha256(teacherFile)).as("teacher file").isEqualTo(digest);

        Path state = out.resolve(Checkpoint.STATE);
        assertThat(same(tensors(state, "generator."), unet)).as("generator moved").isFalse();
        assertThat(same(tensors(state, "fake."), unet)).as("fake network moved").isFalse();
        Map<String, Tensor> student = tensors(out.resolve(ModelStore.WEIGHTS), "");
        assertThat(same(only(student, unet), tensors(state, "generator."))).as("shipped network: the generator").isTrue();
        Map<String, Tensor> decoder = new HashMap<>(teacherTensors);
        decoder.keySet().removeAll(unet.keySet());
        assertThat(decoder).as("the teacher's decoder tensors").isNotEmpty();
        assertThat(same(only(student, decoder), decoder)).as("the teacher's decoder, unchanged, beside it").isTrue();

        ModelInfo teacherInfo = ModelInfo.fromMetadata(SafeTensors.read(teacherFile).metadata(), "teacher");
        ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(out.resolve(ModelStore.WEIGHTS)).metadata(), "student");
        assertThat(info.kind()).isEqualTo(LatentKinds.LATENT_SID);
        assertThat(info.sigmas()).containsExactly(2.5);
        assertThat(info.config()).as("the latent U-Net's shape").isEqualTo(teacherInfo.config());
        for (String key : List.of("autoencoder", "autoencoder_sha256", "autoencoder_config", "latent_scale")) {
            assertThat(info.extra()).containsEntry(key, teacherInfo.extra().get(key));
        }
        assertThat(info.extra()).containsEntry("teacher", "tiny-ldm").containsEntry("teacher_sha256", digest);

        try (DiffusionModel loaded = DiffusionModel.load(out)) {
            assertThat(loaded.kind().isTeacher()).isFalse();
            Generation.Result images = Generation.generate(loaded, List.of("stripes", "dark square", "stripes"), 5,
                    new Budget("euler", 4, 2.0), step -> {});
            assertThat(images.size()).isEqualTo(TinyLatentModels.IMAGE_SIZE);
            assertThat(images.channels()).isEqualTo(3);
            assertThat(images.pixels()).hasSize(3 * 3 * 32 * 32);
            assertThat(images.nfe()).as("one step, whatever the budget asks").isEqualTo(1);
        }
        assertThat(out.resolve(SampleStatisticsProbe.PREVIEW)).as("the probe's preview of decoded images").exists();

        Path q8 = dir.resolve("one-q8");
        dev.fewstep.quant.Quantizer.quantize(out, q8, 8);
        try (DiffusionModel small = DiffusionModel.load(q8)) {
            assertThat(small.info().kind()).as("an int8 copy is still a latent student").isEqualTo(LatentKinds.LATENT_SID);
            Generation.Result images = Generation.generate(small, List.of("stripes"), 5, new Budget("euler", 1, 1.0),
                    step -> {});
            assertThat(images.pixels()).as("decoded to the data's size").hasSize(3 * 32 * 32);
        }
    }

    @Test
    void aLatentStudentWithoutItsDecoderIsRefusedWhenRead() throws IOException {
        SafeTensors.Contents teacher = SafeTensors.read(teacherDir.resolve(ModelStore.WEIGHTS));
        Map<String, Tensor> networkOnly = new HashMap<>(teacher.tensors());
        networkOnly.keySet().removeIf(name -> name.contains("latent_decoder"));
        assertThat(networkOnly).hasSizeLessThan(teacher.tensors().size());
        Map<String, String> metadata = new HashMap<>(teacher.metadata());
        metadata.put("kind", LatentKinds.LATENT_SID);
        metadata.put("sigmas", "[2.5]");
        Path broken = java.nio.file.Files.createDirectories(dir.resolve("no-decoder"));
        SafeTensors.write(broken.resolve(ModelStore.WEIGHTS), networkOnly, metadata);
        assertThatThrownBy(() -> DiffusionModel.load(broken)).isInstanceOf(dev.fewstep.io.CheckpointException.class)
                .hasMessageContaining("the decoder of a latent student");
    }

    @Test
    void theAdversarialTermIsRefusedForALatentTeacher() throws IOException {
        try (DiffusionModel teacher = DiffusionModel.load(teacherDir)) {
            SidSetup setup = SidSetup.of(teacherDir, dir.resolve("sida"), TinyModels.data(8, 3, 1), null);
            assertThatThrownBy(() -> new SidDistillation(SidConfigs.tiny(1).adversarial(true).build(), teacher, setup))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latent");
        }
        assertThat(dir.resolve("sida")).doesNotExist();
    }
}
