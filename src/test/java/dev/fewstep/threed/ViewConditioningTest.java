package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The camera as one more piece of the conditioning: kept where guidance and batching move it, read by the U-Net. */
class ViewConditioningTest {
    private static final UNetConfig VIEWED = UNetConfig.tiny(3).withCamera(Camera.EMBEDDING_SIZE);

    @TempDir
    Path dir;

    @Test
    void theCameraIsKeptByUnconditionalConcatAndSlice() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray text = m.randomNormal(new Shape(3, 384));
            NDArray cameras = m.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, new Shape(3, 4));
            Conditioning c = Conditioning.of(text).withCamera(cameras);
            Conditioning unconditional = c.unconditional();
            assertThat(unconditional.isNull().toFloatArray()).containsExactly(1, 1, 1);
            assertThat(unconditional.camera()).isSameAs(cameras);
            Conditioning withNegative = c.withNegative(m.zeros(new Shape(3, 384))).unconditional();
            assertThat(withNegative.camera()).isSameAs(cameras);
            Conditioning both = c.concat(unconditional);
            assertThat(both.camera().getShape()).isEqualTo(new Shape(6, 4));
            assertThat(both.camera().get("3:6").toFloatArray()).containsExactly(cameras.toFloatArray());
            assertThat(both.slice(4, 6).camera().toFloatArray()).containsExactly(5, 6, 7, 8, 9, 10, 11, 12);
            assertThat(Conditioning.of(text).concat(Conditioning.of(text)).camera()).isNull();
        }
    }

    @Test
    void differentCamerasGiveDifferentOutputsAndTheSameCameraTheSame() {
        try (NDManager m = NDManager.newBaseManager()) {
            EdmDenoiser denoiser = new EdmDenoiser(perturbed(VIEWED, m));
            NDArray x = m.randomNormal(new Shape(1, 3, 32, 32));
            NDArray sigma = m.create(new float[] {1.5f});
            Conditioning prompt = Conditioning.of(m.randomNormal(new Shape(1, 384)).mul(0.05));
            float[] front = denoiser.denoise(x, sigma, prompt.withCamera(camera(m, 0, 20))).toFloatArray();
            float[] again = denoiser.denoise(x, sigma, prompt.withCamera(camera(m, 0, 20))).toFloatArray();
            float[] side = denoiser.denoise(x, sigma, prompt.withCamera(camera(m, 90, 20))).toFloatArray();
            float[] above = denoiser.denoise(x, sigma, prompt.withCamera(camera(m, 0, 40))).toFloatArray();
            assertThat(again).containsExactly(front);
            assertThat(maxDifference(front, side)).isGreaterThan(1e-4);
            assertThat(maxDifference(front, above)).isGreaterThan(1e-4);
        }
    }

    @Test
    void aViewConditionedModelRefusesToRunWithoutACamera() {
        try (NDManager m = NDManager.newBaseManager()) {
            EdmDenoiser denoiser = new EdmDenoiser(UNet.create(VIEWED, m));
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray sigma = m.create(new float[] {1f, 1f});
            Conditioning prompt = Conditioning.of(m.zeros(new Shape(2, 384)));
            assertThatThrownBy(() -> denoiser.denoise(x, sigma, prompt))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("view-conditioned")
                    .hasMessageContaining("needs a camera");
            assertThatThrownBy(() -> denoiser.denoise(x, sigma, prompt.withCamera(m.zeros(new Shape(1, 4)))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 4)");
        }
    }

    @Test
    void aModelWithoutACameraRefusesOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            EdmDenoiser denoiser = new EdmDenoiser(UNet.create(UNetConfig.tiny(3), m));
            Conditioning prompt = Conditioning.of(m.zeros(new Shape(1, 384))).withCamera(camera(m, 10, 10));
            assertThatThrownBy(() -> denoiser.denoise(m.zeros(new Shape(1, 3, 32, 32)), m.create(new float[] {1f}), prompt))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not view-conditioned");
        }
    }

    /**
     * A model saved before cameras existed (a tiny teacher and its output, written by the code of commit ea536a2) loads
     * and gives the same output bit for bit; its config stays without a camera when written again.
     */
    @Test
    void aModelWithoutACameraGivesItsRecordedOutputBitForBit() throws Exception {
        Path model = Path.of("src/test/resources/threed/no-camera-unet");
        var reference = SafeTensors.read(model.resolve("reference.safetensors")).tensors();
        try (DiffusionModel loaded = DiffusionModel.load(model); NDManager m = NDManager.newBaseManager()) {
            assertThat(loaded.info().config().cameraDim()).isZero();
            assertThat(loaded.info().toMetadata().get("config")).doesNotContain("camera");
            NDArray out = loaded.denoiser().denoise(m.create(reference.get("x").data(), new Shape(2, 3, 32, 32)),
                    m.create(new float[] {0.7f, 3.0f}), new Conditioning(m.create(reference.get("text").data(),
                            new Shape(2, 384)), m.create(new float[] {0f, 1f})));
            assertThat(out.toFloatArray()).containsExactly(reference.get("denoised").data());
        }
    }

    @Test
    void aViewConditionedModelSavesLoadsAndSamplesWithGuidanceFromACamera() throws Exception {
        Path out = dir.resolve("viewed");
        try (NDManager m = NDManager.newBaseManager()) {
            DiffusionModel.save(out, perturbed(VIEWED, m), new ModelInfo(ModelInfo.TEACHER, "shapes", VIEWED, 0,
                    TinyModels.PROMPTS, List.of(), Map.of()));
        }
        try (DiffusionModel loaded = DiffusionModel.load(out)) {
            assertThat(loaded.info().config()).isEqualTo(VIEWED);
            assertThat(loaded.info().toMetadata().get("config")).contains("\"cameraDim\":4");
            List<String> prompts = List.of("stripes", "stripes");
            Budget guided = new Budget("dpmpp2m", 3, 3.0);
            float[] front = Generation.generate(loaded, prompts, 1, guided, null, null,
                    new Camera(0, 20).embedding(), e -> {}).pixels();
            float[] back = Generation.generate(loaded, prompts, 1, guided, null, null,
                    new Camera(180, 20).embedding(), e -> {}).pixels();
            assertThat(maxDifference(front, back)).isGreaterThan(1e-4);
            assertThatThrownBy(() -> Generation.generate(loaded, prompts, 1, guided, e -> {}))
                    .hasMessageContaining("needs a camera");
            assertThatThrownBy(() -> new dev.fewstep.serve.GenerationOrder("viewed",
                    new dev.fewstep.generate.GenerateRequest("stripes", "dpmpp2m", 3, 2.0, 0, 1), 1).control(loaded))
                    .as("the server refuses the request (HTTP 400) instead of failing in the job")
                    .isInstanceOf(dev.fewstep.generate.InvalidRequestException.class)
                    .hasMessageContaining("view-conditioned").hasMessageContaining("--azimuth");
        }
    }

    private static NDArray camera(NDManager m, double azimuth, double elevation) {
        return m.create(new Camera(azimuth, elevation).embedding(), new Shape(1, 4));
    }

    /** A randomly initialised network with every weight moved a little (the output layer starts at zero). */
    static UNet perturbed(UNetConfig config, NDManager m) {
        m.getEngine().setRandomSeed(3);
        UNet network = UNet.create(config, m);
        network.getParameters().values().forEach(p -> p.getArray().addi(
                p.getArray().getManager().randomNormal(p.getArray().getShape()).muli(0.05)));
        return network;
    }

    private static double maxDifference(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
