package dev.fewstep.threed;

import java.util.function.Function;

/**
 * A triangle mesh: positions, unit normals and optional RGB colours in [0, 1], three floats per vertex, and
 * counter-clockwise triangles seen from outside as vertex index triples.
 */
public record Mesh(float[] positions, float[] normals, float[] colours, int[] indices) {
    public Mesh {
        if (positions.length % 3 != 0 || normals.length != positions.length || indices.length % 3 != 0
                || colours != null && colours.length != positions.length) {
            throw new IllegalArgumentException("a mesh needs 3 floats per vertex in positions, normals and colours,"
                    + " and 3 indices per triangle");
        }
    }

    public int vertexCount() {
        return positions.length / 3;
    }

    public int triangleCount() {
        return indices.length / 3;
    }

    public Vec3 vertex(int i) {
        return new Vec3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
    }

    /** The same mesh with each vertex coloured by {@code colour} (RGB in [0, 1]) at its position. */
    public Mesh coloured(Function<Vec3, double[]> colour) {
        float[] c = new float[positions.length];
        for (int i = 0; i < vertexCount(); i++) {
            double[] rgb = colour.apply(vertex(i));
            for (int k = 0; k < 3; k++) {
                c[3 * i + k] = (float) Math.max(0, Math.min(1, rgb[k]));
            }
        }
        return new Mesh(positions, normals, c, indices);
    }

    /** Σ |(b − a) × (c − a)| / 2 over the triangles. */
    public double area() {
        double sum = 0;
        for (int t = 0; t < indices.length; t += 3) {
            Vec3 a = vertex(indices[t]);
            sum += vertex(indices[t + 1]).minus(a).cross(vertex(indices[t + 2]).minus(a)).length() / 2;
        }
        return sum;
    }

    /** The enclosed volume by the divergence theorem, Σ a · (b × c) / 6: positive when the triangles face outwards. */
    public double volume() {
        double sum = 0;
        for (int t = 0; t < indices.length; t += 3) {
            sum += vertex(indices[t]).dot(vertex(indices[t + 1]).cross(vertex(indices[t + 2]))) / 6;
        }
        return sum;
    }

    /** The smallest and largest coordinate on each axis: {minX, minY, minZ, maxX, maxY, maxZ}. */
    public float[] bounds() {
        float[] b = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < positions.length; i++) {
            b[i % 3] = Math.min(b[i % 3], positions[i]);
            b[3 + i % 3] = Math.max(b[3 + i % 3], positions[i]);
        }
        return b;
    }
}
