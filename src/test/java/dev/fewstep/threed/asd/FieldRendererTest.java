package dev.fewstep.threed.asd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.threed.Camera;
import dev.fewstep.threed.VoxelGrid;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldRendererTest {
    static final GeneratorConfig SMALL = new GeneratorConfig(384, 16, 4, 8, 8, 32, 10, 0.5);

    /** With every weight zero the field is the density blob alone: σ(p) = softplus(b (1 − ‖p‖/r)), colour ½. */
    static TriplaneGenerator blobOnly(NDManager manager) {
        TriplaneGenerator generator = TriplaneGenerator.create(SMALL, manager);
        for (Pair<String, Parameter> p : generator.getParameters()) {
            NativeMemory.zero(p.getValue().getArray());
        }
        return generator;
    }

    @Test
    void theBlobsOccupiedVolumeIsTheBallWhereItsDensityExceedsTheThreshold() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TriplaneGenerator generator = blobOnly(manager);
            FieldRenderer renderer = new FieldRenderer(generator);
            NDArray planes = generator.planes(manager.zeros(new Shape(1, 384)));
            int n = 64;
            float[] density = renderer.density(planes, n);
            double tau = FieldRenderer.occupancyThreshold(SMALL);
            assertThat(tau).isCloseTo(Math.log(2) / (3.6 / 32), within(1e-12));
            // softplus(y) = τ ⇔ y = ln(e^τ − 1); b (1 − r/r_b) = y gives r in the generator's [−1, 1] units
            double radius = SMALL.blobRadius() * (1 - Math.log(Math.expm1(tau)) / SMALL.blob()) * VoxelGrid.SCENE_EXTENT;
            VoxelGrid grid = VoxelGrid.fromDensity(density, n, VoxelGrid.SCENE_EXTENT, tau);
            double volume = grid.occupiedCount() * Math.pow(grid.cellSide(), 3);
            assertThat(volume).isCloseTo(4 / 3.0 * Math.PI * Math.pow(radius, 3), within(0.1 * volume));
        }
    }

    @Test
    void aRenderIsGreyBackgroundAtTheCornersAndTheBlobsLitColourAtTheCentre() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TriplaneGenerator generator = blobOnly(manager);
            NDArray planes = generator.planes(manager.zeros(new Shape(2, 384)));
            FieldRenderer.Rendered out = new FieldRenderer(generator).render(planes,
                    List.of(new Camera(0, 0), new Camera(123, 35)), 32);
            assertThat(out.images().getShape()).isEqualTo(new Shape(2, 3, 32, 32));
            float[] pixels = out.images().toFloatArray();
            float[] opacity = out.opacity().toFloatArray();
            assertThat(pixels[0]).isCloseTo(2 * 0.8f - 1, within(1e-4f)); // corner: background only
            assertThat(opacity[16 * 32 + 16]).isGreaterThan(0.999f); // centre ray crosses the blob
            // albedo sigmoid(0) = ½, lit: between the ambient share ½ k_a and ½ (in [−1, 1]: 2 c − 1)
            assertThat(pixels[16 * 32 + 16]).isBetween(2 * 0.5f * 0.3f - 1, 0f);
            assertThat(pixels[16 * 32 + 16]).isLessThan(-0.05f);
            for (float a : opacity) {
                assertThat(a).isBetween(0f, 1f); // transmittance never adds light
            }
        }
    }
}
