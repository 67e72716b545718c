package dev.fewstep.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Writes a file through a temporary sibling and a rename, so a crash never leaves half a file and a reader sees the
 * old or the new content. The temporary file is created like any other file (the user's umask applies), not with
 * {@code Files.createTempFile}, whose owner-only permissions would stay on the result after the rename.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Fills a fresh (not yet existing) file at the given path. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path fresh) throws IOException;
    }

    public static void write(Path target, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            content.writeTo(temp);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, fresh -> Files.write(fresh, bytes));
    }

    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, fresh -> Files.writeString(fresh, text));
    }
}
