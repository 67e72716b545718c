package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class VolumeRendererTest {
    @Test
    void weightsAreNonNegativeAndSumToOneMinusTheFinalTransmittance() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(1);
            NDArray sigma = manager.randomUniform(0, 8, new Shape(4, 10, 32));
            NDArray colour = manager.randomUniform(0, 1, new Shape(4, 10, 32, 3));
            NDArray delta = manager.full(new Shape(), 0.1f);
            VolumeRenderer.Result r = VolumeRenderer.render(sigma, colour, delta, 0.8);
            float[] weights = r.weights().toFloatArray();
            float[] opacity = r.opacity().toFloatArray();
            float[] total = sigma.mul(delta).sum(new int[] {2}).toFloatArray();
            for (int i = 0; i < opacity.length; i++) {
                assertThat(opacity[i]).isLessThanOrEqualTo(1f);
                assertThat((double) opacity[i]).isCloseTo(1 - Math.exp(-total[i]), within(1e-5));
            }
            for (float w : weights) {
                assertThat(w).isGreaterThanOrEqualTo(0f);
            }
            for (float c : r.rgb().toFloatArray()) {
                assertThat(c).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void emptySpaceShowsTheBackgroundAndAnOpaqueFirstSampleShowsItsColour() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray colour = manager.create(new float[] {0.9f, 0.1f, 0.2f, 0f, 1f, 0f}, new Shape(1, 2, 3));
            NDArray delta = manager.full(new Shape(), 0.1f);
            float[] empty = VolumeRenderer.render(manager.zeros(new Shape(1, 2)), colour, delta, 0.8).rgb().toFloatArray();
            assertThat(empty).containsExactly(new float[] {0.8f, 0.8f, 0.8f}, within(1e-6f));
            float[] opaque = VolumeRenderer.render(manager.create(new float[] {1e4f, 5f}, new Shape(1, 2)), colour, delta, 0.8)
                    .rgb().toFloatArray();
            assertThat(opaque).containsExactly(new float[] {0.9f, 0.1f, 0.2f}, within(1e-5f));
        }
    }

    /** Triplanes → features → (σ, c) → rendered pixels: the loss's gradient reaches the planes and is the right one. */
    @Test
    void gradientsOfRenderedPixelsReachTheTriplanesAndMatchFiniteDifferences() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(3);
            NDArray planes = manager.randomNormal(new Shape(2, 3, 4, 8, 8));
            planes.setRequiresGradient(true);
            RaySamples rays = RaySamples.of(manager, List.of(new Camera(30, 20), new Camera(200, -5)), 4, 24,
                    VoxelGrid.SCENE_EXTENT);
            double loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = renderedMean(planes, rays);
                loss = value.getFloat();
                collector.backward(value);
            }
            float[] g = planes.getGradient().toFloatArray();
            int largest = 0;
            int nonZero = 0;
            for (int i = 0; i < g.length; i++) {
                assertThat(Float.isFinite(g[i])).isTrue();
                nonZero += g[i] != 0 ? 1 : 0;
                largest = Math.abs(g[i]) > Math.abs(g[largest]) ? i : largest;
            }
            assertThat(nonZero).isGreaterThan(50);
            double h = 1e-2;
            float[] base = planes.toFloatArray();
            double[] shifted = new double[2];
            for (int s = 0; s < 2; s++) {
                float[] moved = base.clone();
                moved[largest] += (float) (s == 0 ? h : -h);
                try (NDManager scope = manager.newSubManager()) {
                    shifted[s] = renderedMean(scope.create(moved, planes.getShape()), rays).getFloat();
                }
            }
            double numeric = (shifted[0] - shifted[1]) / (2 * h);
            assertThat((double) g[largest]).isCloseTo(numeric, within(0.05 * Math.abs(numeric)));
            assertThat(loss).isBetween(0.0, 1.0);
        }
    }

    /**
     * The volume renderer's rays are the sphere tracer's: an opaque volume where the scene's SDF is negative shows the
     * silhouette that sphere tracing finds, pixel for pixel (but for a few on the edges).
     */
    @Test
    void anOpaqueVolumeOfTheSceneHasTheSphereTracedSilhouette() {
        Scene.Field field = Captions.parse("a red cone on a large blue torus").field();
        Camera camera = new Camera(40, 25);
        Picture traced = new SdfRenderer(32, 1).render(field, camera);
        try (NDManager manager = NDManager.newBaseManager()) {
            RaySamples rays = RaySamples.of(manager, List.of(camera), 32, 192, VoxelGrid.SCENE_EXTENT);
            float[] points = rays.points().toFloatArray();
            float[] sigma = new float[points.length / 3];
            double e = VoxelGrid.SCENE_EXTENT;
            for (int i = 0; i < sigma.length; i++) {
                Vec3 p = new Vec3(points[3 * i] * e, points[3 * i + 1] * e, points[3 * i + 2] * e);
                sigma[i] = field.sdf(p) < 0 ? 500 : 0;
            }
            NDArray colour = manager.ones(rays.points().getShape());
            VolumeRenderer.Result result = VolumeRenderer.render(manager.create(sigma, rays.inside().getShape()), colour,
                    rays.delta(), 0);
            float[] opacity = result.opacity().toFloatArray();
            // as an image, channel c of pixel (x, y) is the colour of ray y * size + x
            float[] image = result.images(32).toFloatArray();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < opacity.length; i++) {
                    assertThat(image[c * 32 * 32 + i]).isCloseTo(opacity[i], within(1e-6f));
                }
            }
            int covered = 0;
            int disagree = 0;
            for (int i = 0; i < opacity.length; i++) {
                covered += traced.alpha()[i] > 0.5 ? 1 : 0;
                disagree += (opacity[i] > 0.5) != (traced.alpha()[i] > 0.5) ? 1 : 0;
            }
            assertThat(covered).isGreaterThan(100);
            assertThat(disagree).isLessThanOrEqualTo(covered / 50);
        }
    }

    /** A decoder in miniature: σ = softplus(f_0) inside the scene's cube, c = sigmoid(f_1..3); the mean rendered value. */
    private static NDArray renderedMean(NDArray planes, RaySamples rays) {
        Shape s = rays.inside().getShape();
        NDArray features = Triplane.lookup(planes, rays.points().reshape(s.get(0), s.get(1) * s.get(2), 3))
                .reshape(s.get(0), s.get(1), s.get(2), 4);
        NDArray sigma = Activation.softPlus(features.get(new NDIndex("..., 0"))).mul(rays.inside());
        NDArray colour = Activation.sigmoid(features.get(new NDIndex("..., 1:4")));
        return VolumeRenderer.render(sigma, colour, rays.delta(), SdfRenderer.BACKGROUND).rgb().mean();
    }
}
