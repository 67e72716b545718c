package dev.fewstep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks an image path before any work is done, so that a minute of sampling is not lost on a typo, and says what
 * is wrong rather than repeating the path.
 */
final class OutputFile {
    static final String EXTENSION = ".png";

    private OutputFile() {}

    /**
     * @return {@code path}, which names a PNG file in an existing folder that can be written
     * @throws IllegalArgumentException saying what is wrong
     */
    static Path png(Path path) {
        String problem = problem(path);
        if (problem != null) {
            throw new IllegalArgumentException("cannot write " + path + ": " + problem);
        }
        return path;
    }

    /** What is wrong with {@code path} as an output PNG, or null when nothing is. */
    static String problem(Path path) {
        if (Files.isDirectory(path)) {
            return "it is a folder; give a file name such as " + path.resolve("out" + EXTENSION);
        }
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(EXTENSION)) {
            int dot = name.lastIndexOf('.');
            return "only " + EXTENSION + " is supported" + (dot > 0 ? ", not " + name.substring(dot) : "")
                    + "; name the file with " + EXTENSION + " at the end";
        }
        Path folder = path.toAbsolutePath().getParent();
        if (!Files.exists(folder)) {
            return "the folder " + folder + " does not exist";
        }
        if (!Files.isDirectory(folder)) {
            return folder + " is a file, not a folder";
        }
        if (!canCreateFileIn(folder)) {
            return "the folder " + folder + " is not writable";
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            return "it exists and is not a regular file";
        }
        return null;
    }

    /**
     * Tries it: permission bits do not tell for root, for read-only file systems or for ACLs, and the image is written
     * as a temporary file in that folder and then renamed.
     */
    private static boolean canCreateFileIn(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, ".fewstep", ".probe"));
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
