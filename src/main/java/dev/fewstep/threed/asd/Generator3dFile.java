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
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** The 3D generators in the models folder, by name. */
    public static List<String> names() {
        return ModelStore.foldersHolding(ModelStore.root(), FILE);
    }

    /** What {@code fewstep models} says about a 3D generator (its metadata, not its prompt list), or why it is unusable. */
    public static String describe(Path dir) {
        try {
            Map<String, String> metadata = SafeTensors.readStored(dir.resolve(FILE)).metadata();
            if (!FORMAT.equals(metadata.get("format"))) {
                throw new CheckpointException("not a fewstep 3D generator (format " + metadata.get("format") + ")");
            }
            StringBuilder out = new StringBuilder(String.format("  kind: 3D generator (%s), teacher: %s, step: %s%n"
                    + "  network: %s%n", metadata.get("kind"), metadata.get("teacher"), metadata.get("step"),
                    metadata.get("generator")));
            Set<String> shown = Set.of("format", "kind", "teacher", "step", "generator", "prompts");
            metadata.forEach((key, value) -> {
                if (!shown.contains(key)) {
                    out.append(String.format("  %s: %s%n", key, value));
                }
            });
            return out.toString();
        } catch (RuntimeException e) {
            return String.format("  UNUSABLE 3D generator: %s%n", e.getMessage());
        }
    }
}
