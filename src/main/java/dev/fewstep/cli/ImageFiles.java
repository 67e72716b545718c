package dev.fewstep.cli;

import dev.fewstep.generate.ImageParameters;
import dev.fewstep.generate.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code generate --out-dir}: one PNG per image, named by its prompt row and seed, each with its own parameters. */
final class ImageFiles {
    private ImageFiles() {}

    /** Refuses a folder that cannot take the files, before anything is generated. */
    static void check(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out-dir " + dir + " is a file, not a folder");
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (!Files.exists(dir) && (parent == null || !Files.isDirectory(parent))) {
            throw new IllegalArgumentException("--out-dir " + dir + ": its parent folder does not exist");
        }
    }

    /**
     * Writes image i of row r as {@code DIR/r-SEED.png} (row r of the prompts, seed + i); an existing file is never
     * replaced.
     *
     * @param grid the parameters of the whole grid; each file gets its own prompt, seed and n = 1
     */
    static void write(Path dir, float[] pixels, int channels, int size, ImageParameters grid) throws IOException {
        Files.createDirectories(dir);
        List<String> prompts = grid.prompts();
        for (int r = 0; r < prompts.size(); r++) {
            for (int i = 0; i < grid.n(); i++) {
                long seed = grid.seed() + i;
                Path file = dir.resolve(String.format("%02d-%d.png", r, seed));
                if (Files.exists(file)) {
                    throw new IllegalArgumentException(file + " already exists; it was left as it is (choose another --out-dir)");
                }
                Images.writePng(Images.png(pixels, r * grid.n() + i, channels, size, grid.ofImage(r, i)), file);
            }
        }
    }
}
