package dev.fewstep.threed;

/**
 * Sphere tracing (Hart 1996) of a scene's SDF: along each ray the SDF value is a step that cannot cross the surface,
 * so t ← t + d(o + t r) converges to the first hit. Shading is Lambert plus ambient,
 * c = albedo (k_a + (1 − k_a) max(0, n · l)), with the light l fixed in the camera's frame (above, left and behind the
 * eye), so every view is lit alike; the background is neutral grey. Each pixel averages k × k rays.
 */
public final class SdfRenderer {
    public static final float BACKGROUND = 0.8f;
    static final double AMBIENT = 0.3;
    private static final int MAX_STEPS = 128;
    private static final double HIT = 1e-4;
    /** Every scene lies inside this sphere around the origin. */
    public static final double BOUND = 1.8;

    private final int size;
    private final int samplesPerSide;

    /**
     * @param size output side in pixels
     * @param samplesPerSide k: k × k rays per pixel (anti-aliasing)
     */
    public SdfRenderer(int size, int samplesPerSide) {
        if (size < 1 || samplesPerSide < 1) {
            throw new IllegalArgumentException("size and samples per side must be at least 1");
        }
        this.size = size;
        this.samplesPerSide = samplesPerSide;
    }

    /** The direction l towards the light, fixed in the camera's frame: above, left and behind the eye. */
    static Vec3 light(Camera camera) {
        Vec3[] frame = camera.frame();
        return frame[0].times(-0.5).plus(frame[1].times(0.8)).minus(frame[2].times(0.6)).normalized();
    }

    public Picture render(Scene.Field scene, Camera camera) {
        int plane = size * size;
        float[] rgb = new float[3 * plane];
        float[] alpha = new float[plane];
        Vec3 eye = camera.eye();
        Vec3[] frame = camera.frame();
        double tanHalf = Math.tan(Math.toRadians(Camera.FOV_DEGREES / 2));
        Vec3 light = light(camera);
        int k = samplesPerSide;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double[] sum = new double[3];
                int hits = 0;
                for (int sy = 0; sy < k; sy++) {
                    for (int sx = 0; sx < k; sx++) {
                        double u = ((x + (sx + 0.5) / k) / size) * 2 - 1;
                        double v = 1 - ((y + (sy + 0.5) / k) / size) * 2;
                        Vec3 ray = frame[2].plus(frame[0].times(u * tanHalf)).plus(frame[1].times(v * tanHalf)).normalized();
                        Vec3 hit = trace(scene, eye, ray);
                        if (hit == null) {
                            for (int c = 0; c < 3; c++) {
                                sum[c] += BACKGROUND;
                            }
                            continue;
                        }
                        hits++;
                        double lambert = AMBIENT + (1 - AMBIENT) * Math.max(0, scene.normal(hit).dot(light));
                        double[] albedo = scene.colourAt(hit).albedo();
                        for (int c = 0; c < 3; c++) {
                            sum[c] += albedo[c] * lambert;
                        }
                    }
                }
                int i = y * size + x;
                for (int c = 0; c < 3; c++) {
                    rgb[c * plane + i] = (float) (sum[c] / (k * k));
                }
                alpha[i] = (float) hits / (k * k);
            }
        }
        return new Picture(size, rgb, alpha);
    }

    /** The first point where the ray meets the surface, or null when it leaves the bounding sphere first. */
    static Vec3 trace(Scene.Field scene, Vec3 origin, Vec3 ray) {
        double t = Camera.DISTANCE - BOUND;
        double far = Camera.DISTANCE + BOUND;
        for (int step = 0; step < MAX_STEPS && t < far; step++) {
            Vec3 p = origin.plus(ray.times(t));
            double d = scene.sdf(p);
            if (d < HIT) {
                return p;
            }
            t += d;
        }
        return null;
    }
}
