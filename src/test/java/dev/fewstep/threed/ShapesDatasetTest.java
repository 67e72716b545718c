package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.DatasetException;
import dev.fewstep.data.ImageDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesDatasetTest {
    @TempDir
    Path dir;

    @Test
    void aMadeDatasetLoadsBackWithItsCaptionsCamerasAndRenders() throws Exception {
        List<String> captions = MakeShapes.make(dir, 4, 3, 11, SceneSampler.Split.TRAIN);
        ShapesDataset data = ShapesDataset.load(dir);
        ImageDataset images = data.images();
        assertThat(images.count()).isEqualTo(12);
        assertThat(images.channels()).isEqualTo(3);
        assertThat(images.size()).isEqualTo(32);
        assertThat(data.scenes()).containsExactlyElementsOf(captions);
        assertThat(data.split()).isEqualTo("train");
        for (int i = 0; i < images.count(); i++) {
            assertThat(images.prompt(i)).isEqualTo(captions.get(i / 3));
            assertThat(HeldOut.contains(data.scene(i))).isFalse();
            Camera camera = data.cameras().get(i);
            assertThat(camera.azimuthDegrees()).isBetween(0.0, 360.0);
            assertThat(camera.elevationDegrees()).isBetween(Camera.MIN_ELEVATION, Camera.MAX_ELEVATION);
        }
        // image 5 is the scene's render from its stored camera, to one 8-bit step
        Picture again = new SdfRenderer(32, 2).render(data.scene(5).field(), data.cameras().get(5));
        float[] stored = new float[3 * 32 * 32];
        images.copyImage(5, stored, 0);
        float[] expected = again.signed();
        for (int k = 0; k < stored.length; k++) {
            assertThat((double) stored[k]).isCloseTo(expected[k], within(2 / 255.0 + 1e-3));
        }
        assertThat(data.cameraEmbedding(5)).hasSize(4);
        assertThat(DataStore.train("shapes", dir).count()).isEqualTo(12);
        assertThat(DataStore.shapes(dir).cameras()).isEqualTo(data.cameras());
    }

    @Test
    void oneSeedGivesTheSameDatasetAndTheHeldOutSplitHoldsOnlyHeldOutScenes() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        MakeShapes.make(a, 3, 2, 5, SceneSampler.Split.HELD_OUT);
        MakeShapes.make(b, 3, 2, 5, SceneSampler.Split.HELD_OUT);
        assertThat(Files.readAllBytes(a.resolve(ShapesDataset.FILE))).isEqualTo(Files.readAllBytes(b.resolve(ShapesDataset.FILE)));
        ShapesDataset data = ShapesDataset.load(a);
        assertThat(data.split()).isEqualTo("held-out");
        for (String caption : data.scenes()) {
            assertThat(HeldOut.contains(Captions.parse(caption))).as(caption).isTrue();
        }
    }

    @Test
    void aMissingOrForeignFileIsADatasetErrorThatSaysHowToMakeIt() throws Exception {
        assertThatThrownBy(() -> ShapesDataset.load(dir)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("data make shapes");
        Files.writeString(dir.resolve(ShapesDataset.FILE), "not a safetensors file");
        assertThatThrownBy(() -> ShapesDataset.load(dir)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("data make shapes");
    }

    @Test
    void badCountsAreRefused() {
        assertThatThrownBy(() -> MakeShapes.make(dir, 0, 3, 1, SceneSampler.Split.TRAIN)).hasMessageContaining("at least 1");
    }
}
