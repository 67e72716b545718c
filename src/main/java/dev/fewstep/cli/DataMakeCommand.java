package dev.fewstep.cli;

import dev.fewstep.threed.MakeShapes;
import dev.fewstep.threed.SceneSampler;
import dev.fewstep.threed.ShapesDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "make", description = "Make a procedural dataset.", subcommands = {DataMakeCommand.Shapes.class})
final class DataMakeCommand extends GroupCommand {

    @Command(name = "shapes", description = {"Render random scenes of one or two primitives (the shapes world of"
        + " docs/threed.md) to 32x32 RGB from random cameras, with their captions and cameras, into DIR/shapes.safetensors.",
        "--split train never draws a held-out combination of shapes, colours and relation; --split held-out draws only those."})
    static final class Shapes implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "folder for shapes.safetensors")
        Path out;

        @Option(names = "--scenes", description = "scenes (default: ${DEFAULT-VALUE})")
        int scenes = 2000;

        @Option(names = "--views", description = "cameras per scene (default: ${DEFAULT-VALUE})")
        int views = 8;

        @Option(names = "--seed", description = "fixes every scene and camera (default: ${DEFAULT-VALUE})")
        long seed = 0;

        @Option(names = "--split", description = "train or held-out (default: ${DEFAULT-VALUE})")
        String split = "train";

        @Option(names = "--force", description = "replace an existing shapes.safetensors in --out")
        boolean force;

        @Override
        public Integer call() throws Exception {
            SceneSampler.Split which = switch (split) {
                case "train" -> SceneSampler.Split.TRAIN;
                case "held-out" -> SceneSampler.Split.HELD_OUT;
                default -> throw new IllegalArgumentException("--split must be train or held-out, not '" + split + "'");
            };
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " is a file, not a folder");
            }
            if (Files.exists(out.resolve(ShapesDataset.FILE)) && !force) {
                throw new IllegalArgumentException(out.resolve(ShapesDataset.FILE)
                        + " already exists; it was left as it is (--force replaces it)");
            }
            long start = System.nanoTime();
            List<String> captions = MakeShapes.make(out, scenes, views, seed, which);
            System.out.printf("shapes (%s): %d scenes x %d views = %d images of 32x32 in %.1f s -> %s%n", split,
                    captions.size(), views, captions.size() * views, (System.nanoTime() - start) / 1e9,
                    out.resolve(ShapesDataset.FILE));
            System.out.printf("e.g. %s%n", captions.subList(0, Math.min(3, captions.size())));
            return 0;
        }
    }
}
