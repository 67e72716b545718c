package dev.fewstep.cli;

import dev.fewstep.threed.Captions;
import dev.fewstep.threed.Gltf;
import dev.fewstep.threed.HeldOut;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.Obj;
import dev.fewstep.threed.OutputFiles;
import dev.fewstep.threed.Scene;
import dev.fewstep.threed.ShapeExport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "show-shape", description = {"Mesh the ground truth of a shapes-world caption (no learned model):"
    + " marching cubes on its SDF with vertex colours as binary glTF 2.0, optionally OBJ and a 24-frame turntable GIF."})
final class ShowShapeCommand implements Callable<Integer> {
    @Option(names = "--scene", required = true, description = "a caption, e.g. \"a red cone on a blue cube\"")
    String caption;

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

    @Override
    public Integer call() throws Exception {
        Scene scene = Captions.parse(caption);
        OutputFiles.check(out, ".glb", "--out", force);
        if (obj != null) {
            OutputFiles.check(obj, ".obj", "--obj", force);
        }
        if (turntable != null) {
            OutputFiles.check(turntable, ".gif", "--turntable", force);
        }
        long start = System.nanoTime();
        Mesh mesh = ShapeExport.mesh(scene, resolution);
        Gltf.write(mesh, out);
        System.out.printf("%s (%s combination): %d vertices, %d triangles, area %.3f, volume %.3f in %.2f s -> %s%n",
                scene.caption(), HeldOut.contains(scene) ? "held-out" : "training", mesh.vertexCount(), mesh.triangleCount(),
                mesh.area(), mesh.volume(), (System.nanoTime() - start) / 1e9, out);
        if (obj != null) {
            Obj.write(mesh, obj);
            System.out.printf("-> %s%n", obj);
        }
        if (turntable != null) {
            ShapeExport.turntable(scene, turntable);
            System.out.printf("-> %s%n", turntable);
        }
        return 0;
    }
}
