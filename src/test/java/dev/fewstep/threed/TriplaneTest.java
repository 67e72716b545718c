package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TriplaneTest {
    private static final int C = 2;
    private static final int R = 3;

    private static float[] randomPlanes(int seed) {
        Random random = new Random(seed);
        float[] values = new float[3 * C * R * R];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static float at(float[] planes, int k, int c, int row, int col) {
        return planes[((k * C + c) * R + row) * R + col];
    }

    @Test
    void theLookupIsTheSumOfTheThreeHandComputedBilinearValues() {
        float[] f = randomPlanes(1);
        // (x, y, z) = (0.25, −0.5, 0.8) at R = 3 sits at cell coordinates p = (u + 1)(R − 1)/2 = u + 1: (1.25, 0.5, 1.8)
        double[] expected = new double[C];
        for (int c = 0; c < C; c++) {
            // xy plane: column 1.25 (i0 = 1, w = 0.25), row 0.5 (i0 = 0, w = 0.5)
            double xy = 0.75 * 0.5 * at(f, 0, c, 0, 1) + 0.25 * 0.5 * at(f, 0, c, 0, 2)
                    + 0.75 * 0.5 * at(f, 0, c, 1, 1) + 0.25 * 0.5 * at(f, 0, c, 1, 2);
            // xz plane: column 1.25, row 1.8 (i0 = 1, w = 0.8)
            double xz = 0.75 * 0.2 * at(f, 1, c, 1, 1) + 0.25 * 0.2 * at(f, 1, c, 1, 2)
                    + 0.75 * 0.8 * at(f, 1, c, 2, 1) + 0.25 * 0.8 * at(f, 1, c, 2, 2);
            // yz plane: column 0.5 (i0 = 0, w = 0.5), row 1.8
            double yz = 0.5 * 0.2 * at(f, 2, c, 1, 0) + 0.5 * 0.2 * at(f, 2, c, 1, 1)
                    + 0.5 * 0.8 * at(f, 2, c, 2, 0) + 0.5 * 0.8 * at(f, 2, c, 2, 1);
            expected[c] = xy + xz + yz;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray planes = manager.create(f, new Shape(1, 3, C, R, R));
            NDArray points = manager.create(new float[] {0.25f, -0.5f, 0.8f, 1f, 1f, 1f}, new Shape(1, 2, 3));
            float[] features = Triplane.lookup(planes, points).toFloatArray();
            for (int c = 0; c < C; c++) {
                assertThat((double) features[c]).isCloseTo(expected[c], within(1e-5));
            }
            // the far corner (1, 1, 1) reads the last cell of every plane exactly
            for (int c = 0; c < C; c++) {
                double corner = at(f, 0, c, 2, 2) + at(f, 1, c, 2, 2) + at(f, 2, c, 2, 2);
                assertThat((double) features[C + c]).isCloseTo(corner, within(1e-5));
            }
        }
    }

    @Test
    void theGradientOfAFeatureWithRespectToEachCellIsItsBilinearWeight() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray planes = manager.create(randomPlanes(2), new Shape(1, 3, C, R, R));
            planes.setRequiresGradient(true);
            NDArray points = manager.create(new float[] {0.25f, -0.5f, 0.8f}, new Shape(1, 1, 3));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Triplane.lookup(planes, points).get("..., 0").sum());
            }
            float[] g = planes.getGradient().toFloatArray();
            int xy00 = ((0 * C) * R + 0) * R + 1; // plane 0, channel 0, row 0, column 1
            assertThat((double) g[xy00]).isCloseTo(0.75 * 0.5, within(1e-6));
            int xz11 = ((1 * C) * R + 2) * R + 2; // plane 1, channel 0, row 2, column 2
            assertThat((double) g[xz11]).isCloseTo(0.25 * 0.8, within(1e-6));
            double channelZero = 0;
            double channelOne = 0;
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < R * R; i++) {
                    channelZero += g[(k * C) * R * R + i];
                    channelOne += g[(k * C + 1) * R * R + i];
                }
            }
            assertThat(channelZero).isCloseTo(3, within(1e-5)); // the weights of each plane sum to 1
            assertThat(channelOne).isZero();
        }
    }

    @Test
    void planesOfTheWrongShapeAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray planes = manager.zeros(new Shape(1, 2, C, R, R));
            NDArray points = manager.zeros(new Shape(1, 1, 3));
            assertThatThrownBy(() -> Triplane.lookup(planes, points)).hasMessageContaining("(B, 3, C, R, R)");
        }
    }
}
