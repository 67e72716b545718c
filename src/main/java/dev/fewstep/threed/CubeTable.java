package dev.fewstep.threed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The marching-cubes triangle table, built from first principles rather than copied: for each of the 256 in/out
 * patterns of a cube's corners, every face contributes the segments that separate its inside corners from its outside
 * ones, oriented with the inside on their left seen from outside the cube; the segments chain into closed loops that
 * are fanned into triangles. A face with two diagonal inside corners (the ambiguous case) always cuts each inside corner
 * off on its own; as that rule depends on the face's four corners alone, the two cubes sharing a face agree and the
 * surface is watertight.
 *
 * <p>Corner c sits at (c & 1, c >> 1 & 1, c >> 2 & 1); edges are numbered by {@link #EDGES}.
 */
final class CubeTable {
    /** The 12 edges as corner pairs (a, b) with a &lt; b differing in one bit. */
    static final int[][] EDGES = edges();
    /** For each pattern (bit c set = corner c inside), triangles as triples of edge numbers, outward-facing. */
    static final int[][] TRIANGLES = build();

    private CubeTable() {}

    private static int[][] edges() {
        List<int[]> edges = new ArrayList<>();
        for (int a = 0; a < 8; a++) {
            for (int bit = 0; bit < 3; bit++) {
                int b = a | 1 << bit;
                if (b != a) {
                    edges.add(new int[] {a, b});
                }
            }
        }
        return edges.toArray(new int[0][]);
    }

    static int edge(int a, int b) {
        for (int e = 0; e < EDGES.length; e++) {
            if (EDGES[e][0] == Math.min(a, b) && EDGES[e][1] == Math.max(a, b)) {
                return e;
            }
        }
        throw new IllegalArgumentException("corners " + a + " and " + b + " share no edge");
    }

    static double[] corner(int c) {
        return new double[] {c & 1, c >> 1 & 1, c >> 2 & 1};
    }

    static double[] midpoint(int e) {
        double[] a = corner(EDGES[e][0]);
        double[] b = corner(EDGES[e][1]);
        return new double[] {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2};
    }

    private static int[][] build() {
        int[][] table = new int[256][];
        for (int mask = 0; mask < 256; mask++) {
            table[mask] = triangles(mask);
        }
        // One orientation check fixes the sign for every pattern: with only corner 0 inside, the normal must
        // point away from it.
        int[] t = table[1];
        double[] n = normal(midpoint(t[0]), midpoint(t[1]), midpoint(t[2]));
        if (n[0] + n[1] + n[2] < 0) {
            for (int[] triangles : table) {
                for (int i = 0; i < triangles.length; i += 3) {
                    int swap = triangles[i + 1];
                    triangles[i + 1] = triangles[i + 2];
                    triangles[i + 2] = swap;
                }
            }
        }
        return table;
    }

    private static int[] triangles(int mask) {
        Map<Integer, Integer> next = new HashMap<>(); // a segment from edge a to edge b, oriented
        for (int axis = 0; axis < 3; axis++) {
            for (int side = 0; side < 2; side++) {
                faceSegments(mask, axis, side, next);
            }
        }
        List<Integer> out = new ArrayList<>();
        while (!next.isEmpty()) {
            int start = next.keySet().iterator().next();
            List<Integer> loop = new ArrayList<>();
            for (int e = start; next.containsKey(e); ) {
                loop.add(e);
                e = next.remove(e);
            }
            int pivot = pivot(loop);
            for (int i = 1; i + 1 < loop.size(); i++) {
                out.add(loop.get(pivot));
                out.add(loop.get((pivot + i) % loop.size()));
                out.add(loop.get((pivot + i + 1) % loop.size()));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The loop vertex to fan from: one whose diagonals never join two edges of one face. A diagonal lying in a face
     * would be a triangle side that the neighbouring cube, which shares that face, does not have, and the mesh
     * would not close (a loop crosses an ambiguous face twice).
     */
    static int pivot(List<Integer> loop) {
        int n = loop.size();
        for (int p = 0; p < n; p++) {
            boolean clear = true;
            for (int i = 2; i <= n - 2; i++) {
                clear &= !shareFace(loop.get(p), loop.get((p + i) % n));
            }
            if (clear) {
                return p;
            }
        }
        throw new IllegalStateException("no fan pivot for loop " + loop);
    }

    static boolean shareFace(int e1, int e2) {
        for (int axis = 0; axis < 3; axis++) {
            for (int side = 0; side < 2; side++) {
                if (onFace(e1, axis, side) && onFace(e2, axis, side)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean onFace(int e, int axis, int side) {
        return (EDGES[e][0] >> axis & 1) == side && (EDGES[e][1] >> axis & 1) == side;
    }

    /** Adds the oriented segments of one face (its corners have bit {@code axis} equal to {@code side}). */
    private static void faceSegments(int mask, int axis, int side, Map<Integer, Integer> next) {
        int i = (axis + 1) % 3;
        int j = (axis + 2) % 3;
        int base = side << axis;
        int[] q = {base, base | 1 << i, base | 1 << i | 1 << j, base | 1 << j}; // cyclic around the face
        boolean[] in = new boolean[4];
        int inside = 0;
        for (int k = 0; k < 4; k++) {
            in[k] = (mask >> q[k] & 1) == 1;
            inside += in[k] ? 1 : 0;
        }
        double[] outward = new double[3];
        outward[axis] = side == 0 ? -1 : 1;
        boolean diagonal = inside == 2 && in[0] == in[2];
        for (int k = 0; k < 4; k++) {
            int before = q[(k + 3) % 4];
            int after = q[(k + 1) % 4];
            boolean cutsCorner = in[k] && !in[(k + 3) % 4] && !in[(k + 1) % 4];
            boolean startsRun = in[k] && !in[(k + 3) % 4] && in[(k + 1) % 4];
            if (cutsCorner || diagonal && in[k]) {
                orient(edge(before, q[k]), edge(q[k], after), corner(q[k]), outward, next);
            } else if (startsRun) {
                // the inside corners run k, k + 1, …: the segment joins the two edges that leave the run
                int end = k;
                while (in[(end + 1) % 4]) {
                    end = (end + 1) % 4;
                }
                orient(edge(before, q[k]), edge(q[end], q[(end + 1) % 4]), corner(q[k]), outward, next);
            }
        }
    }

    private static void orient(int a, int b, double[] insideCorner, double[] outward, Map<Integer, Integer> next) {
        double[] pa = midpoint(a);
        double[] pb = midpoint(b);
        double[] ab = {pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]};
        double[] ac = {insideCorner[0] - pa[0], insideCorner[1] - pa[1], insideCorner[2] - pa[2]};
        double[] cross = cross(ab, ac);
        boolean insideOnLeft = cross[0] * outward[0] + cross[1] * outward[1] + cross[2] * outward[2] > 0;
        if (insideOnLeft) {
            next.put(a, b);
        } else {
            next.put(b, a);
        }
    }

    private static double[] normal(double[] a, double[] b, double[] c) {
        return cross(new double[] {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, new double[] {c[0] - a[0], c[1] - a[1], c[2] - a[2]});
    }

    private static double[] cross(double[] u, double[] v) {
        return new double[] {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
    }
}
