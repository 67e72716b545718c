package dev.fewstep.threed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Wavefront OBJ: {@code v x y z r g b} (the vertex-colour extension MeshLab and Blender read), {@code vn} normals and
 * {@code f a//a b//b c//c} faces, 1-based.
 */
public final class Obj {
    private Obj() {}

    public static void write(Mesh mesh, Path path) throws IOException {
        OutputFiles.writeAtomically(path, text(mesh).getBytes(StandardCharsets.UTF_8));
    }

    public static String text(Mesh mesh) {
        StringBuilder out = new StringBuilder("# fewstep mesh: ").append(mesh.vertexCount()).append(" vertices, ")
                .append(mesh.triangleCount()).append(" triangles\n");
        float[] p = mesh.positions();
        float[] n = mesh.normals();
        float[] c = mesh.colours();
        for (int i = 0; i < mesh.vertexCount(); i++) {
            out.append(String.format(Locale.ROOT, "v %.5f %.5f %.5f", p[3 * i], p[3 * i + 1], p[3 * i + 2]));
            if (c != null) {
                out.append(String.format(Locale.ROOT, " %.4f %.4f %.4f", c[3 * i], c[3 * i + 1], c[3 * i + 2]));
            }
            out.append('\n');
        }
        for (int i = 0; i < mesh.vertexCount(); i++) {
            out.append(String.format(Locale.ROOT, "vn %.5f %.5f %.5f%n", n[3 * i], n[3 * i + 1], n[3 * i + 2]));
        }
        int[] f = mesh.indices();
        for (int t = 0; t < f.length; t += 3) {
            int a = f[t] + 1;
            int b = f[t + 1] + 1;
            int d = f[t + 2] + 1;
            out.append("f ").append(a).append("//").append(a).append(' ').append(b).append("//").append(b).append(' ')
                    .append(d).append("//").append(d).append('\n');
        }
        return out.toString();
    }
}
