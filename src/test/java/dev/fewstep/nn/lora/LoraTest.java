package dev.fewstep.nn.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.UNet;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {
    private static final LoraConfig RANK_2 = new LoraConfig(2, 3, true);

    @TempDir
    Path dir;

    /** The network's output on fixed random inputs (a batch of 2 at two noise levels, one prompt dropped). */
    private static float[] forward(UNet network) {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            NDArray cNoise = m.create(new float[] {-1f, 0.5f});
            NDArray text = m.randomNormal(new Shape(2, 384));
            NDArray isNull = m.create(new float[] {0f, 1f});
            return network.apply(x, cNoise, text, isNull).toFloatArray();
        }
    }

    /** Adapters whose B is random too, so they change the output. */
    private static Adapters trainedLooking(UNet network, NDManager manager) {
        manager.getEngine().setRandomSeed(3);
        Adapters adapters = Adapters.create(network, RANK_2, manager);
        adapters.updates().values().forEach(u -> u.up().getArray().addi(
                manager.randomNormal(u.up().getArray().getShape()).muli(0.2)));
        return adapters;
    }

    private Path loraFile(String name, Adapters adapters, String baseSha) throws IOException {
        Path file = dir.resolve(name).resolve(Lora.FILE);
        Files.createDirectories(file.getParent());
        Lora.write(file, adapters.tensors(), new LoraInfo("tiny", baseSha, adapters.config(), "synthetic", 1, Map.of()));
        return file;
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void zeroInitialisedAdaptersLeaveOutputsBitIdentical() throws IOException {
        try (DiffusionModel model = DiffusionModel.load(TinyModels.teacher(dir, "tiny", 1));
                NDManager manager = NDManager.newBaseManager()) {
            float[] base = forward(model.network());
            Adapters adapters = Adapters.create(model.network(), RANK_2, manager).attach();
            assertThat(adapters.updates()).isNotEmpty();
            assertThat(forward(model.network())).isEqualTo(base);
        }
    }

    @Test
    void mergedWeightsGiveTheAdaptedForward() throws IOException {
        Path modelDir = TinyModels.teacher(dir, "tiny", 1);
        String sha = ModelStore.sha256(modelDir.resolve(ModelStore.WEIGHTS));
        float[] base;
        float[] adapted;
        float[] halfAdapted;
        try (DiffusionModel model = DiffusionModel.load(modelDir); NDManager manager = NDManager.newBaseManager()) {
            base = forward(model.network());
            Adapters adapters = trainedLooking(model.network(), manager).attach();
            adapted = forward(model.network());
            adapters.weight(0.5);
            halfAdapted = forward(model.network());
            loraFile("lora", adapters, sha);
        }
        assertThat(maxDifference(adapted, base)).as("the adapters change the output").isGreaterThan(1e-2);
        String lora = dir.resolve("lora").toString();
        try (DiffusionModel merged = LoraModels.load(modelDir.toString(), List.of(LoraSpec.parse(lora)))) {
            assertThat(maxDifference(forward(merged.network()), adapted)).isLessThan(1e-4);
        }
        try (DiffusionModel merged = LoraModels.load(modelDir.toString(), List.of(LoraSpec.parse(lora + ":0.5")))) {
            assertThat(maxDifference(forward(merged.network()), halfAdapted)).isLessThan(1e-4);
        }
        // Two adapters add up: the same one twice at 0.5 is the one at 1.
        try (DiffusionModel merged = LoraModels.load(modelDir.toString(),
                List.of(LoraSpec.parse(lora + ":0.5"), LoraSpec.parse(lora + ":0.5")))) {
            assertThat(maxDifference(forward(merged.network()), adapted)).isLessThan(1e-4);
        }
    }

    @Test
    void weightZeroGivesTheBaseOutput() throws IOException {
        Path modelDir = TinyModels.teacher(dir, "tiny", 1);
        String sha = ModelStore.sha256(modelDir.resolve(ModelStore.WEIGHTS));
        float[] base;
        try (DiffusionModel model = DiffusionModel.load(modelDir); NDManager manager = NDManager.newBaseManager()) {
            base = forward(model.network());
            Adapters adapters = trainedLooking(model.network(), manager).attach();
            adapters.weight(0);
            assertThat(forward(model.network())).isEqualTo(base);
            loraFile("lora", adapters, sha);
        }
        try (DiffusionModel merged = LoraModels.load(modelDir.toString(),
                List.of(LoraSpec.parse(dir.resolve("lora") + ":0")))) {
            assertThat(forward(merged.network())).isEqualTo(base);
        }
    }

    @Test
    void anAdapterOfOtherWeightsIsRefused() throws IOException {
        Path modelDir = TinyModels.teacher(dir, "tiny", 1);
        try (DiffusionModel model = DiffusionModel.load(modelDir); NDManager manager = NDManager.newBaseManager()) {
            loraFile("other", trainedLooking(model.network(), manager), "ab".repeat(32));
        }
        assertThatThrownBy(() -> LoraModels.load(modelDir.toString(), List.of(LoraSpec.parse(dir.resolve("other").toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was trained on tiny (sha256 abababab")
                .hasMessageContaining("refused");
    }

    @Test
    void corruptOrMismatchedAdapterFilesAreClearErrors() throws IOException {
        Path modelDir = TinyModels.teacher(dir, "tiny", 1);
        Path corrupt = dir.resolve("corrupt").resolve(Lora.FILE);
        Files.createDirectories(corrupt.getParent());
        Files.write(corrupt, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        assertThatThrownBy(() -> LoraStore.read(corrupt.getParent().toString()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(corrupt.toString());

        // An adapter of a wider network: right hash, wrong shapes.
        Path wide = TinyModels.teacher(dir, "wide", 3);
        String sha = ModelStore.sha256(modelDir.resolve(ModelStore.WEIGHTS));
        try (DiffusionModel model = DiffusionModel.load(wide); NDManager manager = NDManager.newBaseManager()) {
            loraFile("wide-lora", trainedLooking(model.network(), manager), sha);
        }
        assertThatThrownBy(() -> LoraModels.load(modelDir.toString(), List.of(LoraSpec.parse(dir.resolve("wide-lora").toString()))))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("does not fit layer");

        assertThatThrownBy(() -> LoraSpec.parse("emoji-noto-lora:strong")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a number");
        assertThatThrownBy(() -> LoraStore.read("no-such-lora")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown LoRA 'no-such-lora'");
    }
}
