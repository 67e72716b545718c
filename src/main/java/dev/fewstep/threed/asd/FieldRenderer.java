package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.threed.Camera;
import dev.fewstep.threed.RaySamples;
import dev.fewstep.threed.SdfRenderer;
import dev.fewstep.threed.SurfaceShading;
import dev.fewstep.threed.VolumeRenderer;
import dev.fewstep.threed.VoxelGrid;
import java.util.List;

/**
 * The generator's field seen through the dataset's cameras: {@link RaySamples} through the scene's bounding sphere,
 * densities zeroed outside the cube [−1.4, 1.4]³, NeRF's compositing ({@link VolumeRenderer}) and the dataset's
 * Lambert light ({@link SurfaceShading}) over its grey background, returned in the teacher's layout (B, 3, size, size)
 * in [−1, 1]. Also the density on the cell centres of a voxel grid, for IoU and meshing.
 */
public final class FieldRenderer {
    private final TriplaneGenerator generator;

    public FieldRenderer(TriplaneGenerator generator) {
        this.generator = generator;
    }

    /** Images and opacities of one camera per triplane. */
    public record Rendered(NDArray images, NDArray opacity) {}

    /** @param triplanes (B, 3, C, R, R), one camera each */
    public Rendered render(NDArray triplanes, List<Camera> cameras, int size) {
        NDManager manager = triplanes.getManager();
        int samples = generator.config().samples();
        RaySamples rays = RaySamples.of(manager, cameras, size, samples, VoxelGrid.SCENE_EXTENT);
        long batch = cameras.size();
        long count = (long) size * size;
        NDList field = generator.field(triplanes, rays.points().reshape(batch, count * samples, 3));
        NDArray sigma = field.get(0).reshape(batch, count, samples).mul(rays.inside());
        NDArray colour = field.get(1).reshape(batch, count, samples, 3);
        VolumeRenderer.Result result = VolumeRenderer.render(sigma, colour, rays.delta(), SdfRenderer.BACKGROUND);
        NDArray shaded = SurfaceShading.shade(result.weights(), colour, rays.points(), cameras, size);
        NDArray images = NativeMemory.plus(NativeMemory.times(shaded, 2), -1);
        return new Rendered(images, result.opacity().reshape(batch, size, size));
    }

    /**
     * The density σ on the n³ cell centres of {@link VoxelGrid} over [−1.4, 1.4]³ (x fastest), for one triplane
     * (1, 3, C, R, R).
     */
    public float[] density(NDArray triplane, int n) {
        NDManager manager = triplane.getManager();
        NDArray points = manager.create(cellCentres(n), new Shape(1, (long) n * n * n, 3));
        return generator.field(triplane, points).get(0).toFloatArray();
    }

    /** The colour in [0, 1] at points (1, N, 3) given in world units. */
    public float[] colour(NDArray triplane, float[] worldPoints) {
        NDManager manager = triplane.getManager();
        float[] scaled = new float[worldPoints.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (float) (worldPoints[i] / VoxelGrid.SCENE_EXTENT);
        }
        NDArray points = manager.create(scaled, new Shape(1, worldPoints.length / 3, 3));
        return generator.field(triplane, points).get(1).toFloatArray();
    }

    /** The grid's cell centres divided by its extent, so in [−1, 1]³, x fastest then y then z. */
    static float[] cellCentres(int n) {
        float[] points = new float[3 * n * n * n];
        int at = 0;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    points[at++] = (float) ((x + 0.5) * 2 / n - 1);
                    points[at++] = (float) ((y + 0.5) * 2 / n - 1);
                    points[at++] = (float) ((z + 0.5) * 2 / n - 1);
                }
            }
        }
        return points;
    }

    /**
     * The density above which a point counts as occupied: one sampling step δ = 2 · 1.8 / S through it absorbs half
     * the light, σ δ = ln 2.
     */
    public static double occupancyThreshold(GeneratorConfig config) {
        return Math.log(2) / (2 * SdfRenderer.BOUND / config.samples());
    }
}
