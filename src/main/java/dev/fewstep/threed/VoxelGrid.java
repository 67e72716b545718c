package dev.fewstep.threed;

import java.util.function.ToDoubleFunction;

/**
 * A scalar field sampled at the centres of n³ cells filling the cube [−extent, extent]³, x fastest then y then z.
 * The convention is an SDF's: a cell is occupied where its value is below 0 (a density σ is stored as τ − σ for its
 * threshold τ). Voxel IoU compares two occupancies: |A ∩ B| / |A ∪ B|.
 */
public record VoxelGrid(int n, double extent, float[] values) {
    /** Every scene of the shapes world fits in [−1.4, 1.4]³. */
    public static final double SCENE_EXTENT = 1.4;

    public VoxelGrid {
        if (n < 2 || values.length != n * n * n) {
            throw new IllegalArgumentException("a voxel grid needs n ≥ 2 and n³ values, got n = " + n + " and "
                    + values.length + " values");
        }
    }

    /** Samples a field (an SDF) at every cell centre. */
    public static VoxelGrid sample(ToDoubleFunction<Vec3> field, int n, double extent) {
        float[] values = new float[n * n * n];
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    values[(z * n + y) * n + x] = (float) field.applyAsDouble(centre(x, y, z, n, extent));
                }
            }
        }
        return new VoxelGrid(n, extent, values);
    }

    /** The scene's ground-truth occupancy: its SDF at n³ cell centres. */
    public static VoxelGrid of(Scene scene, int n) {
        Scene.Field field = scene.field();
        return sample(field::sdf, n, SCENE_EXTENT);
    }

    /** A density grid σ (same layout) as a field occupied where σ > τ. */
    public static VoxelGrid fromDensity(float[] density, int n, double extent, double threshold) {
        float[] values = new float[density.length];
        for (int i = 0; i < density.length; i++) {
            values[i] = (float) (threshold - density[i]);
        }
        return new VoxelGrid(n, extent, values);
    }

    public static Vec3 centre(int x, int y, int z, int n, double extent) {
        double h = 2 * extent / n;
        return new Vec3(-extent + (x + 0.5) * h, -extent + (y + 0.5) * h, -extent + (z + 0.5) * h);
    }

    public Vec3 centre(int x, int y, int z) {
        return centre(x, y, z, n, extent);
    }

    public float value(int x, int y, int z) {
        return values[(z * n + y) * n + x];
    }

    public double cellSide() {
        return 2 * extent / n;
    }

    public int occupiedCount() {
        int count = 0;
        for (float v : values) {
            count += v < 0 ? 1 : 0;
        }
        return count;
    }

    /** |A ∩ B| / |A ∪ B| of the occupied cells; 1 when both are empty (they agree). */
    public static double iou(VoxelGrid a, VoxelGrid b) {
        if (a.n != b.n || a.extent != b.extent) {
            throw new IllegalArgumentException("voxel IoU needs grids of one size and extent, got " + a.n + "³ in ±"
                    + a.extent + " and " + b.n + "³ in ±" + b.extent);
        }
        int intersection = 0;
        int union = 0;
        for (int i = 0; i < a.values.length; i++) {
            boolean inA = a.values[i] < 0;
            boolean inB = b.values[i] < 0;
            intersection += inA && inB ? 1 : 0;
            union += inA || inB ? 1 : 0;
        }
        return union == 0 ? 1 : (double) intersection / union;
    }
}
