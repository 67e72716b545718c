package dev.fewstep.cli;

import dev.fewstep.threed.Captions;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.asd.Model3d;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate3d", description = {"A 3D object from a prompt with a distilled text-to-3D generator (one forward"
    + " pass): marching cubes on its density with vertex colours as binary glTF 2.0, optionally OBJ and a 24-frame"
    + " turntable GIF (volume-rendered)."})
final class Generate3dCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a 3D generator, e.g. shapes-asd")
    String model;

    @Option(names = "--prompt", required = true, description = "a shapes-world caption, e.g. \"a red cone\"")
    String prompt;

    @Mixin
    MeshOutput output;

    @Option(names = "--turntable-size", description = "side of the turntable frames in pixels (default: ${DEFAULT-VALUE})")
    int turntableSize = 96;

    @Override
    public Integer call() throws Exception {
        String caption = Model3d.checkPrompt(prompt);
        output.check();
        if (turntableSize < 16 || turntableSize > 256) {
            throw new IllegalArgumentException("--turntable-size must be between 16 and 256 pixels, got " + turntableSize);
        }
        try (Model3d generator = Model3d.load(model)) {
            generator.mesh(caption, 16); // the first call loads the text encoder and warms the engine up
            long start = System.nanoTime();
            Mesh mesh = generator.mesh(caption, output.resolution);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (mesh.triangleCount() == 0) {
                throw new IllegalArgumentException(model + " made no surface for \"" + caption + "\" (its density stays"
                        + " below the occupancy threshold everywhere); nothing was written");
            }
            output.write(mesh, Captions.parse(caption), seconds,
                    gif -> Files.write(gif, generator.turntable(caption, turntableSize)));
        }
        return 0;
    }
}
