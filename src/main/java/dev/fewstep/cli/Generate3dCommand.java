package dev.fewstep.cli;

import dev.fewstep.threed.Captions;
import dev.fewstep.threed.Gltf;
import dev.fewstep.threed.HeldOut;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.Obj;
import dev.fewstep.threed.OutputFiles;
import dev.fewstep.threed.asd.Model3d;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate3d", description = {"A 3D object from a prompt with a distilled text-to-3D generator (one forward"
    + " pass): marching cubes on its density with vertex colours as binary glTF 2.0, optionally OBJ and a 24-frame"
    + " turntable GIF (volume-rendered)."})
final class Generate3dCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a 3D generator, e.g. shapes-asd")
    String model;

    @Option(names = "--prompt", required = true, description = "a shapes-world caption, e.g. \"a red cone\"")
    String prompt;

    @Option(names = "--out", required = true, description = "the .glb file")
    Path out;

    @Option(names = "--obj", description = "also write this .obj file")
    Path obj;

    @Option(names = "--turntable", description = "also write this .gif file")
    Path turntable;

    @Option(names = "--resolution", description = "marching-cubes cells per side (default: ${DEFAULT-VALUE})")
    int resolution = 64;

    @Option(names = "--turntable-size", description = "side of the turntable frames in pixels (default: ${DEFAULT-VALUE})")
    int turntableSize = 96;

    @Option(names = "--force", description = "replace existing output files")
    boolean force;

    @Override
    public Integer call() throws Exception {
        String caption = Model3d.checkPrompt(prompt);
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
        if (turntableSize < 16 || turntableSize > 256) {
            throw new IllegalArgumentException("--turntable-size must be between 16 and 256 pixels, got " + turntableSize);
        }
        try (Model3d generator = Model3d.load(model)) {
            generator.mesh(caption, 16); // the first call loads the text encoder and warms the engine up
            long start = System.nanoTime();
            Mesh mesh = generator.mesh(caption, resolution);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (mesh.triangleCount() == 0) {
                throw new IllegalArgumentException(model + " made no surface for \"" + caption + "\" (its density stays"
                        + " below the occupancy threshold everywhere); nothing was written");
            }
            Gltf.write(mesh, out);
            System.out.printf("%s (%s combination): %d vertices, %d triangles, area %.3f, volume %.3f in %.2f s -> %s%n",
                    caption, HeldOut.contains(Captions.parse(caption)) ? "held-out" : "training", mesh.vertexCount(),
                    mesh.triangleCount(), mesh.area(), mesh.volume(), seconds, out);
            if (obj != null) {
                Obj.write(mesh, obj);
                System.out.printf("-> %s%n", obj);
            }
            if (turntable != null) {
                Files.write(turntable, generator.turntable(caption, turntableSize));
                System.out.printf("-> %s%n", turntable);
            }
        }
        return 0;
    }
}
