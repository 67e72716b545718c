package dev.fewstep.threed;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Marching cubes (Lorensen and Cline 1987) on a {@link VoxelGrid}: the cell centres are the lattice, each cube of 8
 * neighbouring centres looks up its in/out pattern (inside: value &lt; level) in {@link CubeTable}, and each crossing
 * edge gets a vertex where the linear interpolation of its two values meets the level. Vertices on a lattice edge are
 * shared by the cubes around it; normals are the normalised gradient of the field (central differences on the lattice,
 * interpolated along the edge), pointing outwards.
 */
public final class MarchingCubes {
    private MarchingCubes() {}

    public static Mesh extract(VoxelGrid grid, double level) {
        int n = grid.n();
        Map<Long, Integer> vertexOfEdge = new HashMap<>();
        FloatList positions = new FloatList();
        FloatList normals = new FloatList();
        IntList indices = new IntList();
        int[] corner = new int[3];
        for (int z = 0; z + 1 < n; z++) {
            for (int y = 0; y + 1 < n; y++) {
                for (int x = 0; x + 1 < n; x++) {
                    int mask = 0;
                    for (int c = 0; c < 8; c++) {
                        if (grid.value(x + (c & 1), y + (c >> 1 & 1), z + (c >> 2 & 1)) < level) {
                            mask |= 1 << c;
                        }
                    }
                    for (int e : CubeTable.TRIANGLES[mask]) {
                        int a = CubeTable.EDGES[e][0];
                        int b = CubeTable.EDGES[e][1];
                        corner[0] = x + (a & 1);
                        corner[1] = y + (a >> 1 & 1);
                        corner[2] = z + (a >> 2 & 1);
                        int axis = Integer.numberOfTrailingZeros(a ^ b);
                        long key = (((long) corner[2] * n + corner[1]) * n + corner[0]) * 3 + axis;
                        Integer index = vertexOfEdge.get(key);
                        if (index == null) {
                            index = positions.size() / 3;
                            vertexOfEdge.put(key, index);
                            addVertex(grid, level, corner, axis, positions, normals);
                        }
                        indices.add(index);
                    }
                }
            }
        }
        return new Mesh(positions.toArray(), normals.toArray(), null, indices.toArray());
    }

    private static void addVertex(VoxelGrid grid, double level, int[] a, int axis, FloatList positions, FloatList normals) {
        int[] b = a.clone();
        b[axis]++;
        double va = grid.value(a[0], a[1], a[2]);
        double vb = grid.value(b[0], b[1], b[2]);
        // kept off the lattice points so that two edges never give one vertex (no zero-area triangles)
        double t = Math.max(1e-3, Math.min(1 - 1e-3, (level - va) / (vb - va)));
        Vec3 pa = grid.centre(a[0], a[1], a[2]);
        Vec3 p = pa.plus(grid.centre(b[0], b[1], b[2]).minus(pa).times(t));
        positions.add((float) p.x());
        positions.add((float) p.y());
        positions.add((float) p.z());
        Vec3 g = gradient(grid, a).times(1 - t).plus(gradient(grid, b).times(t));
        Vec3 normal = g.length() > 0 ? g.normalized() : new Vec3(0, 1, 0);
        normals.add((float) normal.x());
        normals.add((float) normal.y());
        normals.add((float) normal.z());
    }

    private static Vec3 gradient(VoxelGrid grid, int[] p) {
        double[] g = new double[3];
        for (int axis = 0; axis < 3; axis++) {
            int[] lo = p.clone();
            int[] hi = p.clone();
            lo[axis] = Math.max(0, p[axis] - 1);
            hi[axis] = Math.min(grid.n() - 1, p[axis] + 1);
            g[axis] = (grid.value(hi[0], hi[1], hi[2]) - grid.value(lo[0], lo[1], lo[2])) / (hi[axis] - lo[axis]);
        }
        return new Vec3(g[0], g[1], g[2]);
    }

    /** A growable float array (a mesh of a 64³ grid has tens of thousands of vertices). */
    static final class FloatList {
        private float[] data = new float[1024];
        private int size;

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] data = new int[1024];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
