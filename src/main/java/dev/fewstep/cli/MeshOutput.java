package dev.fewstep.cli;

import dev.fewstep.threed.Gltf;
import dev.fewstep.threed.HeldOut;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.Obj;
import dev.fewstep.threed.OutputFiles;
import dev.fewstep.threed.Scene;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The files a mesh command writes (GLB, optionally OBJ and a turntable GIF), checked before any work is done. */
final class MeshOutput {
    /** Writes the turntable of what was meshed to a .gif file. */
    interface Turntable {
        void write(Path gif) throws IOException;
    }

    @Option(names = "--out", required = true, description = "the .glb file")
    Path out;

    @Option(names = "--obj", description = "also write this .obj file")
    Path obj;

    @Option(names = "--turntable", description = "also write this .gif file")
    Path turntable;

    @Option(names = "--resolution", description = "marching-cubes cells per side (default: ${DEFAULT-VALUE})")
    int resolution = 64;

    @Option(names = "--force", description = "replace existing output files")
    boolean force;

    /** @throws IllegalArgumentException for a file that exists without --force, a wrong extension or resolution */
    void check() {
        OutputFiles.check(out, ".glb", "--out", force);
        if (obj != null) {
            OutputFiles.check(obj, ".obj", "--obj", force);
        }
        if (turntable != null) {
            OutputFiles.check(turntable, ".gif", "--turntable", force);
        }
        if (resolution < 8 || resolution > 256) {
            throw new IllegalArgumentException("--resolution must be between 8 and 256 cells per side, got " + resolution);
        }
    }

    void write(Mesh mesh, Scene scene, double seconds, Turntable frames) throws IOException {
        Gltf.write(mesh, out);
        System.out.printf("%s (%s combination): %d vertices, %d triangles, area %.3f, volume %.3f in %.2f s -> %s%n",
                scene.caption(), HeldOut.contains(scene) ? "held-out" : "training", mesh.vertexCount(),
                mesh.triangleCount(), mesh.area(), mesh.volume(), seconds, out);
        if (obj != null) {
            Obj.write(mesh, obj);
            System.out.printf("-> %s%n", obj);
        }
        if (turntable != null) {
            frames.write(turntable);
            System.out.printf("-> %s%n", turntable);
        }
    }
}
