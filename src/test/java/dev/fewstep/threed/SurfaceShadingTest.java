package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class SurfaceShadingTest {
    /** A plane facing the camera has the normal −f everywhere, and its light is k_a + (1 − k_a) (−f · l). */
    @Test
    void aPlaneFacingTheCameraHasTheNormalTowardsTheEyeAndTheDatasetsLambertTerm() {
        Camera camera = new Camera(40, 25);
        Vec3[] frame = camera.frame();
        int h = 5;
        float[] points = new float[3 * h * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < h; x++) {
                Vec3 p = frame[0].times(0.1 * x).minus(frame[1].times(0.1 * y)).plus(frame[2].times(0.3));
                int i = 3 * (y * h + x);
                points[i] = (float) p.x();
                points[i + 1] = (float) p.y();
                points[i + 2] = (float) p.z();
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray normals = SurfaceShading.normals(manager.create(points, new Shape(1, h, h, 3)));
            float[] n = normals.toFloatArray();
            for (int i = 0; i < h * h; i++) {
                assertThat(n[3 * i]).isCloseTo((float) -frame[2].x(), within(1e-5f));
                assertThat(n[3 * i + 1]).isCloseTo((float) -frame[2].y(), within(1e-5f));
                assertThat(n[3 * i + 2]).isCloseTo((float) -frame[2].z(), within(1e-5f));
            }
            float[] lambert = SurfaceShading.lambert(normals, SurfaceShading.lights(manager, List.of(camera)))
                    .toFloatArray();
            double expected = SdfRenderer.AMBIENT + (1 - SdfRenderer.AMBIENT) * 0.6 / Math.sqrt(0.25 + 0.64 + 0.36);
            for (float value : lambert) {
                assertThat(value).isCloseTo((float) expected, within(1e-5f));
            }
        }
    }

    /**
     * An opaque volume of a scene, shaded, looks like the dataset's sphere-traced render of it: inside the silhouette
     * (away from its edge, where screen-space normals see the background) the colours agree closely.
     */
    @Test
    void anOpaqueVolumeOfTheSceneIsLitLikeTheSphereTracedRender() {
        Scene.Field field = Captions.parse("a large red sphere").field();
        Camera camera = new Camera(40, 25);
        int size = 32;
        Picture traced = new SdfRenderer(size, 1).render(field, camera);
        try (NDManager manager = NDManager.newBaseManager()) {
            RaySamples rays = RaySamples.of(manager, List.of(camera), size, 192, VoxelGrid.SCENE_EXTENT);
            float[] points = rays.points().toFloatArray();
            float[] sigma = new float[points.length / 3];
            float[] albedo = new float[points.length];
            double e = VoxelGrid.SCENE_EXTENT;
            for (int i = 0; i < sigma.length; i++) {
                Vec3 p = new Vec3(points[3 * i] * e, points[3 * i + 1] * e, points[3 * i + 2] * e);
                sigma[i] = field.sdf(p) < 0 ? 500 : 0;
                double[] a = field.colourAt(p).albedo();
                for (int c = 0; c < 3; c++) {
                    albedo[3 * i + c] = (float) a[c];
                }
            }
            NDArray colour = manager.create(albedo, rays.points().getShape());
            VolumeRenderer.Result result = VolumeRenderer.render(manager.create(sigma, rays.inside().getShape()), colour,
                    rays.delta(), SdfRenderer.BACKGROUND);
            float[] shaded = SurfaceShading.shade(result.weights(), colour, rays.points(), List.of(camera), size)
                    .toFloatArray();
            int plane = size * size;
            int interior = 0;
            double error = 0;
            for (int y = 1; y < size - 1; y++) {
                for (int x = 1; x < size - 1; x++) {
                    int i = y * size + x;
                    if (traced.alpha()[i] == 0) {
                        for (int c = 0; c < 3; c++) {
                            assertThat(shaded[c * plane + i]).isCloseTo(SdfRenderer.BACKGROUND, within(1e-3f));
                        }
                    }
                    if (!coveredAround(traced, x, y)) {
                        continue;
                    }
                    interior++;
                    for (int c = 0; c < 3; c++) {
                        error += Math.abs(shaded[c * plane + i] - traced.rgb()[c * plane + i]);
                    }
                }
            }
            assertThat(interior).isGreaterThan(50);
            assertThat(error / (3 * interior)).isLessThan(0.03);
        }
    }

    @Test
    void gradientsOfTheShadedImageReachTheDensitiesAndAreFinite() {
        Camera camera = new Camera(10, 5);
        try (NDManager manager = NDManager.newBaseManager();
             GradientCollector collector = manager.getEngine().newGradientCollector()) {
            RaySamples rays = RaySamples.of(manager, List.of(camera), 8, 16, VoxelGrid.SCENE_EXTENT);
            Shape s = rays.inside().getShape();
            NDArray raw = manager.randomUniform(0f, 3f, s);
            raw.setRequiresGradient(true);
            NDArray colour = manager.ones(rays.points().getShape());
            VolumeRenderer.Result result = VolumeRenderer.render(raw.mul(rays.inside()), colour, rays.delta(),
                    SdfRenderer.BACKGROUND);
            NDArray image = SurfaceShading.shade(result.weights(), colour, rays.points(), List.of(camera), 8);
            collector.backward(image.mean());
            assertThat(raw.getGradient().abs().sum().getFloat()).isGreaterThan(0f);
            assertThat(raw.getGradient().isNaN().any().getBoolean()).isFalse();
        }
    }

    private static boolean coveredAround(Picture picture, int x, int y) {
        int size = picture.size();
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                if (picture.alpha()[(y + dy) * size + x + dx] < 1) {
                    return false;
                }
            }
        }
        return true;
    }
}
