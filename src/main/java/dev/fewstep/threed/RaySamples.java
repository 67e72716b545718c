package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Points along the camera rays of a size × size image for the volume renderer: S samples at the midpoints of equal
 * steps through the scene's bounding sphere, t_i = D − b + (i + ½) δ with δ = 2b / S.
 *
 * @param points (B, size², S, 3) world coordinates divided by {@code extent}, so the scene's cube is [−1, 1]³
 * @param inside (B, size², S): 1 where the point lies in that cube (densities outside it are zeroed), else 0
 * @param delta δ in world units, a scalar array
 */
public record RaySamples(NDArray points, NDArray inside, NDArray delta) {

    public static RaySamples of(NDManager manager, List<Camera> cameras, int size, int samples, double extent) {
        double near = Camera.DISTANCE - SdfRenderer.BOUND;
        double step = 2 * SdfRenderer.BOUND / samples;
        int rays = size * size;
        float[] points = new float[cameras.size() * rays * samples * 3];
        float[] inside = new float[cameras.size() * rays * samples];
        int at = 0;
        for (Camera camera : cameras) {
            Vec3 eye = camera.eye();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    Vec3 ray = camera.ray((x + 0.5) / size * 2 - 1, 1 - (y + 0.5) / size * 2);
                    for (int i = 0; i < samples; i++, at++) {
                        Vec3 p = eye.plus(ray.times(near + (i + 0.5) * step)).times(1 / extent);
                        points[3 * at] = (float) p.x();
                        points[3 * at + 1] = (float) p.y();
                        points[3 * at + 2] = (float) p.z();
                        boolean in = Math.abs(p.x()) <= 1 && Math.abs(p.y()) <= 1 && Math.abs(p.z()) <= 1;
                        inside[at] = in ? 1 : 0;
                    }
                }
            }
        }
        int b = cameras.size();
        return new RaySamples(manager.create(points, new Shape(b, rays, samples, 3)),
                manager.create(inside, new Shape(b, rays, samples)), manager.full(new Shape(), (float) step));
    }
}
