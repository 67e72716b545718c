package dev.fewstep.latent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.LoopListener;
import dev.fewstep.train.loop.Probe;
import dev.fewstep.train.loop.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A latent teacher trained for two steps on a tiny autoencoder's latents, then loaded as any model is. */
class LatentModelTest {
    @TempDir
    static Path dir;
    static ImageDataset images;
    static TrainConfig config;

    @BeforeAll
    static void train() throws IOException {
        images = TinyLatent.data(12, 4);
        config = new TrainConfig("synthetic", 2, 4, 1e-3, 1, 0.9, 0.1, 1, 2, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(11);
            Autoencoder autoencoder = Autoencoder.create(AutoencoderConfig.tiny(32, 2), manager);
            LatentDataset.Encoded latents = LatentDataset.encode(autoencoder, images);
            try (LatentTeacherTraining training = new LatentTeacherTraining(config, latents, autoencoder, "tiny-ae", "abc")) {
                new TrainingLoop(dir.resolve("ldm"), training).run(TrainingLoop.Start.FRESH, LoopListener.NONE, Probe.NONE);
            }
        }
    }

    @Test
    void aLatentModelsGeneratorReturnsImagesOfTheDatasSize() {
        try (DiffusionModel model = DiffusionModel.load(dir.resolve("ldm"))) {
            assertThat(model.info().kind()).isEqualTo(LatentKinds.LATENT);
            assertThat(model.info().config().imageSize()).as("the U-Net's side: the latent's").isEqualTo(16);
            assertThat(model.info().config().imageChannels()).isEqualTo(4);
            assertThat(model.info().imageSize()).as("the generated images' side").isEqualTo(32);
            assertThat(model.info().imageChannels()).isEqualTo(3);
            Generation.Result result = Generation.generate(model, List.of("stripes", "dark square"), 3,
                    new Budget("euler", 2, 2.0), step -> {});
            assertThat(result.size()).isEqualTo(images.size());
            assertThat(result.channels()).isEqualTo(3);
            assertThat(result.pixels()).hasSize(2 * 3 * 32 * 32);
            assertThat(result.nfe()).isEqualTo(2);
        }
    }

    @Test
    void theGeneratorDecodesWhatTheLatentTeacherSamples() {
        try (DiffusionModel model = DiffusionModel.load(dir.resolve("ldm"));
                NDManager manager = model.manager().newSubManager()) {
            NDArray noise = manager.randomNormal(new Shape(2, 4, 16, 16));
            Conditioning conditioning = Conditioning.of(manager.create(
                    TextEncoder.get().embedAll(List.of("stripes", "stripes")), new Shape(2, TextEncoder.DIM)));
            Budget budget = new Budget("heun", 3, 1.5);
            float[] decoded = model.generator().generate(noise, conditioning, budget).images().toFloatArray();
            NDArray latents = new TeacherGenerator(model.denoiser()).generate(noise, conditioning, budget).images();
            float[] expected = ((LatentDenoiser) model.denoiser()).decoder().apply(latents).toFloatArray();
            assertThat(decoded).hasSize(2 * 3 * 32 * 32);
            for (int i = 0; i < decoded.length; i++) {
                assertThat(decoded[i]).isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void aResumeOnAnotherAutoencodersLatentsIsRefused() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = Autoencoder.create(AutoencoderConfig.tiny(32, 2), manager);
            LatentDataset.Encoded latents = LatentDataset.encode(autoencoder, images);
            try (LatentTeacherTraining training = new LatentTeacherTraining(config, latents, autoencoder, "tiny-ae", "def")) {
                assertThatThrownBy(() -> new TrainingLoop(dir.resolve("ldm"), training)
                        .run(TrainingLoop.Start.RESUME, LoopListener.NONE, Probe.NONE))
                        .isInstanceOf(CheckpointException.class).hasMessageContaining("another autoencoder");
            }
        }
        assertThat(ModelStore.sha256(dir.resolve("ldm").resolve(ModelStore.WEIGHTS))).isNotEmpty();
    }

    @Test
    void anInt8CopyOfALatentModelKeepsItsDecoderAndGeneratesNearlyTheSameImages() throws IOException {
        Path q8 = dir.resolve("ldm-q8");
        dev.fewstep.quant.Quantizer.Result written = dev.fewstep.quant.Quantizer.quantize(dir.resolve("ldm"), q8, 8);
        assertThat(written.quantized()).isPositive();
        try (DiffusionModel full = DiffusionModel.load(dir.resolve("ldm"));
                DiffusionModel small = DiffusionModel.load(q8);
                NDManager manager = full.manager().newSubManager()) {
            assertThat(small.info().kind()).isEqualTo(LatentKinds.LATENT);
            NDArray noise = manager.randomNormal(new Shape(2, 4, 16, 16));
            Conditioning conditioning = Conditioning.of(manager.create(
                    TextEncoder.get().embedAll(List.of("stripes", "dark square")), new Shape(2, TextEncoder.DIM)));
            Budget budget = new Budget("euler", 2, 1.0);
            float[] a = full.generator().generate(noise, conditioning, budget).images().toFloatArray();
            float[] b = small.generator().generate(noise.duplicate(), conditioning, budget).images().toFloatArray();
            assertThat(b).hasSize(2 * 3 * 32 * 32);
            double meanDifference = 0;
            for (int i = 0; i < a.length; i++) {
                meanDifference += Math.abs(a[i] - b[i]) / a.length;
            }
            assertThat(meanDifference).isGreaterThan(0).isLessThan(0.02);
        }
    }

    @Test
    void whatIsNotBuiltForLatentModelsIsRefusedWithTheReason() {
        String ldm = dir.resolve("ldm").toString();
        for (String[] args : List.<String[]>of(
                new String[] {"distill", "consistency", "--teacher", ldm, "--out", dir.resolve("cd").toString()},
                new String[] {"finetune", "--model", ldm, "--dataset", "emoji", "--out", dir.resolve("ft").toString()})) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.io.PrintStream saved = System.err;
            int code;
            System.setErr(new java.io.PrintStream(err, true));
            try {
                code = dev.fewstep.cli.Main.run(args);
            } finally {
                System.setErr(saved);
            }
            assertThat(code).as(String.join(" ", args)).isEqualTo(dev.fewstep.cli.Main.BAD_INPUT);
            assertThat(err.toString()).as(String.join(" ", args)).contains("on a latent model").contains("not built yet")
                    .doesNotContain("Exception");
        }
        assertThat(dir.resolve("cd")).doesNotExist();
        assertThat(dir.resolve("ft")).doesNotExist();
    }
}
