package dev.fewstep.adaptive;

import dev.fewstep.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds policies by name: a folder under the models directory holding {@value Policy#FILE}, or a path to one. */
public final class PolicyStore {
    private PolicyStore() {}

    public static Path resolve(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new IllegalArgumentException("policy must not be empty");
        }
        Path direct = Path.of(nameOrPath);
        if (Files.isRegularFile(direct.resolve(Policy.FILE))) {
            return direct;
        }
        Path named = ModelStore.root().resolve(nameOrPath);
        if (Files.isRegularFile(named.resolve(Policy.FILE))) {
            return named;
        }
        List<String> names = names();
        throw new IllegalArgumentException("unknown policy '" + nameOrPath + "' (available: "
                + (names.isEmpty() ? "none; train one with fewstep train-policy" : String.join(", ", names)) + ")");
    }

    /** A short description of every policy in the models folder, from its metadata (weights not loaded). */
    public static List<String> describeAll() {
        List<String> out = new ArrayList<>();
        for (String name : names()) {
            Path file = ModelStore.root().resolve(name).resolve(Policy.FILE);
            try {
                java.util.Map<String, String> m = dev.fewstep.io.SafeTensors.read(file).metadata();
                out.add(name + "\n  kind: " + m.get("kind") + " (policy), teacher: " + m.get("teacher") + ", actions: "
                        + m.get("actions") + ", NFE: " + m.get("nfe"));
            } catch (RuntimeException e) {
                out.add(name + "\n  UNUSABLE: " + e.getMessage());
            }
        }
        return out;
    }

    /** The policies in {@code root} whose sampler actions run on {@code teacher} (from their metadata). */
    public static List<String> forTeacher(Path root, String teacher) {
        List<String> out = new ArrayList<>();
        for (String name : names(root)) {
            try {
                if (teacher.equals(dev.fewstep.io.SafeTensors.read(root.resolve(name).resolve(Policy.FILE)).metadata()
                        .get("teacher"))) {
                    out.add(name);
                }
            } catch (RuntimeException e) {
                // an unreadable policy is listed as such by describeAll; it has no teacher to match
            }
        }
        return out;
    }

    public static List<String> names() {
        return names(ModelStore.root());
    }

    /** The policy folders in {@code root}, sorted. */
    public static List<String> names(Path root) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve(Policy.FILE)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            // no models folder: no policies
        }
        return names;
    }
}
