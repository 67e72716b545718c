package dev.fewstep.cli;

import dev.fewstep.threed.Captions;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.Scene;
import dev.fewstep.threed.ShapeExport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "show-shape", description = {"Mesh the ground truth of a shapes-world caption (no learned model):"
    + " marching cubes on its SDF with vertex colours as binary glTF 2.0, optionally OBJ and a 24-frame turntable GIF."})
final class ShowShapeCommand implements Callable<Integer> {
    @Option(names = "--scene", required = true, description = "a caption, e.g. \"a red cone on a blue cube\"")
    String caption;

    @Mixin
    MeshOutput output;

    @Override
    public Integer call() throws Exception {
        Scene scene = Captions.parse(caption);
        output.check();
        long start = System.nanoTime();
        Mesh mesh = ShapeExport.mesh(scene, output.resolution);
        output.write(mesh, scene, (System.nanoTime() - start) / 1e9, gif -> ShapeExport.turntable(scene, gif));
        return 0;
    }
}
