package dev.fewstep.threed;

import dev.fewstep.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Checks output paths before any work is done, and writes through a temporary file so a crash leaves no half file. */
public final class OutputFiles {
    private OutputFiles() {}

    /**
     * Refuses a path that does not end with {@code extension}, whose folder is missing, or that exists already
     * (unless {@code force}): a user's file is never replaced by accident.
     */
    public static Path check(Path path, String extension, String option, boolean force) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(extension)) {
            throw new IllegalArgumentException(option + " " + path + ": name the file with " + extension + " at the end");
        }
        Path folder = path.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + " " + path + ": the folder " + folder + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + " " + path + " is a folder; give a file name ending with " + extension);
        }
        if (Files.exists(path) && !force) {
            throw new IllegalArgumentException(option + " " + path + " already exists; it was left as it is (--force replaces it)");
        }
        return path;
    }

    static void writeAtomically(Path path, byte[] bytes) throws IOException {
        AtomicFile.write(path, bytes);
    }
}
