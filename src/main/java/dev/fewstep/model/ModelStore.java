package dev.fewstep.model;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds models by name: a folder under the models directory holding {@code model.safetensors}. */
public final class ModelStore {
    public static final String WEIGHTS = "model.safetensors";

    private ModelStore() {}

    /** -Dfewstep.models, $FEWSTEP_MODELS, or ./models. */
    public static Path root() {
        String property = System.getProperty("fewstep.models");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("FEWSTEP_MODELS");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("models");
    }

    /** A name ("fashion-teacher"), or a path to a model folder. */
    public static Path resolve(String nameOrPath) {
        Path direct = Path.of(nameOrPath);
        if (Files.isRegularFile(direct.resolve(WEIGHTS))) {
            return direct;
        }
        Path named = root().resolve(nameOrPath);
        if (Files.isRegularFile(named.resolve(WEIGHTS))) {
            return named;
        }
        throw new IllegalArgumentException("unknown model '" + nameOrPath + "' (available: "
                + String.join(", ", names()) + ")");
    }

    public static List<String> names() {
        return foldersHolding(root(), WEIGHTS);
    }

    /** The folders in {@code root} that hold {@code file} (a model's, an adapter's, an autoencoder's …), sorted. */
    public static List<String> foldersHolding(Path root, String file) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve(file)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            // no such folder: nothing in it
        }
        return names;
    }

    /** SHA-256 of a file, hex: identifies the exact weights a model was distilled or adapted from. */
    public static String sha256(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no model at " + file);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
