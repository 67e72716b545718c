package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.nn.NativeMemory;

/**
 * Triplane features (Chan et al. 2022, EG3D): three axis-aligned feature planes, a point's feature being the sum of
 * its bilinear lookups in the xy, xz and yz planes. DJL has no grid_sample, so the bilinear lookup is written with
 * gathers: with the plane's R × R cells at corner-aligned coordinates p = (u + 1)(R − 1)/2 for u in [−1, 1],
 * i0 = ⌊p⌋ (clamped to R − 2), w = p − i0, the feature is
 * f = (1 − w_u)(1 − w_v) F[v0, u0] + w_u (1 − w_v) F[v0, u0 + 1] + (1 − w_u) w_v F[v0 + 1, u0] + w_u w_v F[v0 + 1, u0 + 1].
 * Gradients reach the planes through gather's backward (a scatter-add) and the points through the weights.
 */
public final class Triplane {
    /** The (u, v) axes of the three planes: xy, xz, yz. */
    static final int[][] AXES = {{0, 1}, {0, 2}, {1, 2}};

    private Triplane() {}

    /**
     * @param planes (B, 3, C, R, R): plane k's row index follows its v axis, the column its u axis
     * @param points (B, N, 3) in [−1, 1]³; coordinates outside are clamped to the border
     * @return (B, N, C), the summed features
     */
    public static NDArray lookup(NDArray planes, NDArray points) {
        Shape s = planes.getShape();
        if (s.dimension() != 5 || s.get(1) != 3 || s.get(3) != s.get(4) || s.get(3) < 2) {
            throw new IllegalArgumentException("triplanes must be (B, 3, C, R, R) with R ≥ 2, got " + s);
        }
        long batch = s.get(0);
        long channels = s.get(2);
        int r = (int) s.get(3);
        long n = points.getShape().get(1);
        NDArray sum = null;
        for (int k = 0; k < 3; k++) {
            NDArray plane = planes.get(new NDIndex(":, {}", k)).reshape(batch, channels, (long) r * r);
            NDArray u = points.get(new NDIndex("..., {}", AXES[k][0]));
            NDArray v = points.get(new NDIndex("..., {}", AXES[k][1]));
            NDArray[] cu = corner(u, r);
            NDArray[] cv = corner(v, r);
            NDArray wu = cu[1].expandDims(1);
            NDArray wv = cv[1].expandDims(1);
            NDArray oneMinusWu = NativeMemory.plus(wu.neg(), 1);
            NDArray oneMinusWv = NativeMemory.plus(wv.neg(), 1);
            NDArray row0 = cv[0].mul(r);
            NDArray row1 = row0.add(r);
            Shape gathered = new Shape(batch, channels, n);
            NDArray f00 = gather(plane, row0.add(cu[0]), gathered);
            NDArray f01 = gather(plane, row0.add(cu[0]).add(1), gathered);
            NDArray f10 = gather(plane, row1.add(cu[0]), gathered);
            NDArray f11 = gather(plane, row1.add(cu[0]).add(1), gathered);
            NDArray f = f00.mul(oneMinusWu).mul(oneMinusWv).add(f01.mul(wu).mul(oneMinusWv))
                    .add(f10.mul(oneMinusWu).mul(wv)).add(f11.mul(wu).mul(wv));
            sum = sum == null ? f : sum.add(f);
        }
        return sum.transpose(0, 2, 1);
    }

    /** The lower cell index i0 (INT64, no gradient) and the weight w = p − i0 of a coordinate in [−1, 1]. */
    private static NDArray[] corner(NDArray coordinate, int r) {
        NDArray p = NativeMemory.times(NativeMemory.plus(coordinate, 1), (r - 1) / 2.0).clip(0, r - 1);
        NDArray i0 = p.stopGradient().floor().clip(0, r - 2);
        NDArray w = p.sub(i0);
        return new NDArray[] {i0.toType(DataType.INT64, false), w};
    }

    /** plane (B, C, R²) at flat indices (B, N), for every channel: (B, C, N). */
    private static NDArray gather(NDArray plane, NDArray index, Shape shape) {
        return plane.gather(index.expandDims(1).broadcast(shape), 2);
    }

}
