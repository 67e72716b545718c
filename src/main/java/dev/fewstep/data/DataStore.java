package dev.fewstep.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Where fewstep keeps fetched data, and how datasets are found by name. */
public final class DataStore {
    public static final List<String> DATASETS = List.of("fashion-mnist", "emoji", "shapes");

    private DataStore() {}

    /** $FEWSTEP_DATA, or ~/.cache/fewstep/data. */
    public static Path root() {
        String env = System.getenv("FEWSTEP_DATA");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "fewstep", "data");
    }

    /** The training split of a dataset; {@code dataDir} overrides where it is read from. */
    public static ImageDataset train(String dataset, Path dataDir) {
        return switch (canonical(dataset)) {
            case "fashion-mnist" -> FashionMnist.train(dataDir);
            case "emoji" -> Emoji.load(dataDir == null ? root().resolve("emoji") : dataDir);
            case "shapes" -> shapes(dataDir).images();
            default -> throw new IllegalStateException();
        };
    }

    /**
     * The training split at side {@code size}: emoji load at 32 or 64 ({@link Emoji#SIZES}); the others only at their
     * own size.
     */
    public static ImageDataset train(String dataset, Path dataDir, int size) {
        String name = canonical(dataset);
        if (name.equals("emoji")) {
            return Emoji.load(dataDir == null ? root().resolve("emoji") : dataDir, null, size);
        }
        ImageDataset data = train(name, dataDir);
        if (data.size() != size) {
            throw new IllegalArgumentException("the " + name + " dataset has " + data.size() + "x" + data.size()
                    + " images only, not " + size + "x" + size);
        }
        return data;
    }

    /** The shapes dataset with its cameras and scenes; {@code dataDir} defaults to $FEWSTEP_DATA/shapes. */
    public static dev.fewstep.threed.ShapesDataset shapes(Path dataDir) {
        return dev.fewstep.threed.ShapesDataset.load(dataDir == null ? root().resolve("shapes") : dataDir);
    }

    /** The test split of a dataset (never trained on); only Fashion-MNIST has one. */
    public static ImageDataset test(String dataset, Path dataDir) {
        return switch (canonical(dataset)) {
            case "fashion-mnist" -> FashionMnist.test(dataDir);
            case "emoji", "shapes" -> throw new IllegalArgumentException("the " + dataset + " dataset has no test split");
            default -> throw new IllegalStateException();
        };
    }

    public static String canonical(String dataset) {
        String name = dataset.toLowerCase(Locale.ROOT);
        if (name.equals("fashion") || name.equals("fashion-mnist")) {
            return "fashion-mnist";
        }
        if (name.equals("emoji")) {
            return "emoji";
        }
        if (name.equals("shapes")) {
            return "shapes";
        }
        throw new IllegalArgumentException("unknown dataset '" + dataset + "' (choose one of: " + String.join(", ", DATASETS) + ")");
    }

    /** Fetches the emoji packages from the npm registry with {@code npm pack} and unpacks them. */
    public static Path fetchEmoji(Path target) throws IOException, InterruptedException {
        Files.createDirectories(target);
        for (String set : Emoji.SETS) {
            String pkg = "emoji-datasource-" + set;
            Path dir = target.resolve(pkg);
            if (Files.isRegularFile(dir.resolve("package").resolve("emoji.json"))) {
                continue;
            }
            Files.createDirectories(dir);
            run(dir, "npm", "pack", "--silent", pkg + "@" + Emoji.VERSION);
            run(dir, "tar", "xzf", pkg + "-" + Emoji.VERSION + ".tgz", "package/emoji.json", "package/LICENSE",
                    "package/README.md", "package/img/" + set + "/64");
            Files.deleteIfExists(dir.resolve(pkg + "-" + Emoji.VERSION + ".tgz"));
        }
        return target;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new DatasetException("'" + String.join(" ", command) + "' failed in " + dir + ": " + output.strip());
        }
    }
}
