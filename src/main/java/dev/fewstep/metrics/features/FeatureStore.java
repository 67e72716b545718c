package dev.fewstep.metrics.features;

import dev.fewstep.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Finds feature networks: folders under the models directory holding {@code features.safetensors}. */
public final class FeatureStore {
    /** The shipped feature network of each dataset. */
    public static final Map<String, String> DEFAULTS = Map.of("fashion-mnist", "fashion-features", "emoji", "emoji-clip");

    private FeatureStore() {}

    /** A name ("fashion-features") or a path to a feature-network folder. */
    public static Path resolve(String nameOrPath) {
        Path direct = Path.of(nameOrPath);
        if (Files.isRegularFile(direct.resolve(FeatureModel.WEIGHTS))) {
            return direct;
        }
        Path named = ModelStore.root().resolve(nameOrPath);
        if (Files.isRegularFile(named.resolve(FeatureModel.WEIGHTS))) {
            return named;
        }
        throw new IllegalArgumentException("unknown feature network '" + nameOrPath + "' (available: "
                + String.join(", ", names()) + "; train one with: fewstep train-features)");
    }

    /**
     * The feature network that measures generators of {@code dataset} making images of side {@code imageSize}: the
     * default's {@code NAME-SIZE} (e.g. emoji-clip-64) if there is one, else the default, which then sees the images
     * box-filtered to its side.
     */
    public static Path forDataset(String dataset, int imageSize) {
        String name = DEFAULTS.get(dataset);
        if (name != null) {
            Path sized = ModelStore.root().resolve(name + "-" + imageSize);
            if (Files.isRegularFile(sized.resolve(FeatureModel.WEIGHTS))) {
                return sized;
            }
        }
        return forDataset(dataset);
    }

    /** The feature network that measures generators of {@code dataset}. */
    public static Path forDataset(String dataset) {
        String name = DEFAULTS.get(dataset);
        if (name == null) {
            throw new IllegalArgumentException("no default feature network for dataset '" + dataset
                    + "'; pass --features NAME");
        }
        Path dir = ModelStore.root().resolve(name);
        if (!Files.isRegularFile(dir.resolve(FeatureModel.WEIGHTS))) {
            throw new IllegalArgumentException("feature network " + name + " for " + dataset + " is missing in "
                    + ModelStore.root() + "; train it with: fewstep train-features --kind "
                    + (dataset.equals("emoji") ? "emoji-clip" : "fashion") + " --out " + dir);
        }
        return dir;
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(ModelStore.root())) {
            s.filter(p -> Files.isRegularFile(p.resolve(FeatureModel.WEIGHTS)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            // no models folder: no feature networks
        }
        return names;
    }
}
