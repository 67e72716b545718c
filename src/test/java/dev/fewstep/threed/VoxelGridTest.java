package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VoxelGridTest {
    @Test
    void iouOfConcentricSpheresIsTheRatioOfTheirVolumes() {
        VoxelGrid small = VoxelGrid.sample(p -> p.length() - 0.6, 64, 1);
        VoxelGrid large = VoxelGrid.sample(p -> p.length() - 0.9, 64, 1);
        assertThat(VoxelGrid.iou(small, large)).isCloseTo(Math.pow(0.6 / 0.9, 3), within(0.02));
        assertThat(VoxelGrid.iou(small, small)).isEqualTo(1.0);
    }

    @Test
    void iouOfDisjointShapesIsZero() {
        VoxelGrid left = VoxelGrid.sample(p -> p.minus(new Vec3(-0.5, 0, 0)).length() - 0.3, 32, 1);
        VoxelGrid right = VoxelGrid.sample(p -> p.minus(new Vec3(0.5, 0, 0)).length() - 0.3, 32, 1);
        assertThat(VoxelGrid.iou(left, right)).isZero();
    }

    @Test
    void aDensityAboveItsThresholdIsOccupied() {
        VoxelGrid sdf = VoxelGrid.of(Captions.parse("a red cone on a blue cube"), 32);
        float[] density = new float[sdf.values().length];
        for (int i = 0; i < density.length; i++) {
            density[i] = sdf.values()[i] < 0 ? 10 : 0;
        }
        VoxelGrid fromDensity = VoxelGrid.fromDensity(density, 32, VoxelGrid.SCENE_EXTENT, 5);
        assertThat(VoxelGrid.iou(sdf, fromDensity)).isEqualTo(1.0);
        assertThat(sdf.occupiedCount()).isPositive();
    }

    @Test
    void differentScenesOverlapLessThanOneAndGridsOfOtherSizesAreRefused() {
        double iou = VoxelGrid.iou(VoxelGrid.of(Captions.parse("a red cone"), 32), VoxelGrid.of(Captions.parse("a red cube"), 32));
        assertThat(iou).isBetween(0.2, 0.9);
        assertThatThrownBy(() -> VoxelGrid.iou(VoxelGrid.of(Captions.parse("a red cone"), 32),
                VoxelGrid.of(Captions.parse("a red cone"), 16))).hasMessageContaining("one size");
    }
}
