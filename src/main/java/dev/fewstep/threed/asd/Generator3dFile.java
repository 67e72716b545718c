package dev.fewstep.threed.asd;

import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A 3D generator's file in its model folder, {@value #FILE}: the generator's weights, with metadata
 * {@code format} = {@value #FORMAT}, {@code kind} (asd or sds), {@code generator} (its shape as JSON) and anything
 * else the run wrote (its settings, teacher, step, scores).
 */
public final class Generator3dFile {
    public static final String FILE = "generator3d.safetensors";
    public static final String FORMAT = "fewstep-3d/1";

    private Generator3dFile() {}

    public static void write(Path file, TriplaneGenerator generator, String kind, Map<String, String> extra)
            throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(extra);
        metadata.put("format", FORMAT);
        metadata.put("kind", kind);
        metadata.put("generator", generator.config().toJson());
        SafeTensors.write(file, Weights.of(generator), metadata);
    }

    /** A model folder's weights and metadata, read and checked. */
    public record Contents(GeneratorConfig config, Map<String, Tensor> tensors, Map<String, String> metadata) {}

    public static Contents read(Path dir) {
        Path file = dir.resolve(FILE);
        SafeTensors.Contents contents = SafeTensors.read(file);
        if (!FORMAT.equals(contents.metadata().get("format"))) {
            throw new CheckpointException(file + " is not a fewstep 3D generator (format " + contents.metadata().get("format") + ")");
        }
        GeneratorConfig config = GeneratorConfig.fromJson(contents.metadata().get("generator"), file.toString());
        return new Contents(config, contents.tensors(), contents.metadata());
    }

    /**
     * A model name (under the models folder) or a folder holding {@value #FILE}; a 2D model or an unknown name is
     * refused with what it is.
     */
    public static Path resolve(String nameOrPath) {
        for (Path dir : new Path[] {Path.of(nameOrPath), ModelStore.root().resolve(nameOrPath)}) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir;
            }
            if (Files.isRegularFile(dir.resolve(ModelStore.WEIGHTS))) {
                throw new IllegalArgumentException(nameOrPath + " is a 2D image model, not a 3D generator (its folder " + dir
                        + " has no " + FILE + "); distil one with: fewstep distill asd --teacher " + nameOrPath + " --out ...");
            }
        }
        throw new IllegalArgumentException("unknown 3D model '" + nameOrPath + "': no " + FILE + " in " + nameOrPath + " or "
                + ModelStore.root().resolve(nameOrPath));
    }
}
