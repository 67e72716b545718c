package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.nn.NativeMemory;
import java.util.List;

/**
 * Lights a volume-rendered field the way {@link SdfRenderer} lights the dataset, so that the generator's renders and
 * the teacher's images share one image model: c = albedo (k_a + (1 − k_a) max(0, n · l)) over the grey background.
 *
 * <p>The surface of a ray is its expected termination point P = Σ_i w_i p_i + (1 − Σ_i w_i) p_far (the background
 * taken at the far end of the ray), and the normal is the screen-space one, n ∝ ∂P/∂y × ∂P/∂x by forward differences
 * between neighbouring pixels, which faces the camera. Gradients reach the densities through P, so light and shadow
 * shape the geometry as in DreamFusion's shaded renders (Poole et al. 2022, §3.1), at the cost of one image-sized pass
 * instead of density gradients at every sample.
 */
public final class SurfaceShading {
    private static final float NORM_EPSILON = 1e-12f;

    private SurfaceShading() {}

    /**
     * @param weights w_i of {@link VolumeRenderer}, (B, size², S)
     * @param albedo the colours c_i, (B, size², S, 3)
     * @param points the sample points of {@link RaySamples}, (B, size², S, 3)
     * @param cameras one per image
     * @return shaded images (B, 3, size, size) in [0, 1]
     */
    public static NDArray shade(NDArray weights, NDArray albedo, NDArray points, List<Camera> cameras, int size) {
        long batch = cameras.size();
        long samples = weights.getShape().get(2);
        NDArray w = weights.expandDims(-1);
        NDArray opacity = weights.sum(new int[] {2});
        NDArray far = points.get(new NDIndex(":, :, {}, :", samples - 1));
        NDArray surface = w.mul(points).sum(new int[] {2})
                .add(NativeMemory.plus(opacity.neg(), 1).expandDims(-1).mul(far))
                .reshape(batch, size, size, 3);
        NDArray lambert = lambert(normals(surface), lights(weights.getManager(), cameras));
        NDArray colour = w.mul(albedo).sum(new int[] {2}).reshape(batch, size, size, 3);
        NDArray background = NativeMemory.times(NativeMemory.plus(opacity.neg(), 1), SdfRenderer.BACKGROUND)
                .reshape(batch, size, size, 1);
        return colour.mul(lambert.expandDims(-1)).add(background).transpose(0, 3, 1, 2);
    }

    /** Unit normals (B, H, W, 3) of an image of surface points (B, H, W, 3), facing the camera. */
    static NDArray normals(NDArray surface) {
        NDArray dx = forwardDifference(surface, 2);
        NDArray dy = forwardDifference(surface, 1);
        NDArray n = cross(dy, dx);
        NDArray length = NativeMemory.plus(n.square().sum(new int[] {3}, true), NORM_EPSILON).sqrt();
        return n.div(length);
    }

    /** k_a + (1 − k_a) max(0, n · l) per pixel, (B, H, W), with l (B, 3). */
    static NDArray lambert(NDArray normals, NDArray lights) {
        long batch = lights.getShape().get(0);
        NDArray cosine = normals.mul(lights.reshape(batch, 1, 1, 3)).sum(new int[] {3}).maximum(0f);
        return NativeMemory.plus(NativeMemory.times(cosine, 1 - SdfRenderer.AMBIENT), SdfRenderer.AMBIENT);
    }

    /** The dataset's light of each camera, (B, 3), in PyTorch-owned memory. */
    static NDArray lights(NDManager manager, List<Camera> cameras) {
        float[] l = new float[3 * cameras.size()];
        for (int i = 0; i < cameras.size(); i++) {
            Vec3 light = SdfRenderer.light(cameras.get(i));
            l[3 * i] = (float) light.x();
            l[3 * i + 1] = (float) light.y();
            l[3 * i + 2] = (float) light.z();
        }
        NDArray lights = manager.zeros(new Shape(cameras.size(), 3));
        NativeMemory.assign(lights, l);
        return lights;
    }

    /** x[i + 1] − x[i] along the axis, the last difference repeated so the shape is kept. */
    private static NDArray forwardDifference(NDArray x, int axis) {
        long n = x.getShape().get(axis);
        NDArray d = slice(x, axis, 1, n).sub(slice(x, axis, 0, n - 1));
        return NDArrays.concat(new NDList(d, slice(d, axis, n - 2, n - 1)), axis);
    }

    private static NDArray slice(NDArray x, int axis, long from, long to) {
        String spec = axis == 1 ? "{}:{}, :, :" : ":, {}:{}, :";
        return x.get(new NDIndex(":, " + spec, from, to));
    }

    private static NDArray cross(NDArray a, NDArray b) {
        NDArray[] u = components(a);
        NDArray[] v = components(b);
        return NDArrays.stack(new NDList(
                u[1].mul(v[2]).sub(u[2].mul(v[1])),
                u[2].mul(v[0]).sub(u[0].mul(v[2])),
                u[0].mul(v[1]).sub(u[1].mul(v[0]))), 3);
    }

    private static NDArray[] components(NDArray x) {
        return new NDArray[] {x.get(new NDIndex("..., 0")), x.get(new NDIndex("..., 1")), x.get(new NDIndex("..., 2"))};
    }
}
