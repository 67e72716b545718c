package dev.fewstep.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writtenFileHasTheUsualPermissionsNotOwnerOnly() throws IOException {
        Path plain = Files.write(dir.resolve("plain.bin"), new byte[] {1});
        Path atomic = dir.resolve("atomic.bin");
        AtomicFile.write(atomic, new byte[] {1, 2, 3});
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(expected);
        assertThat(Files.readAllBytes(atomic)).containsExactly(1, 2, 3);
    }

    @Test
    void failedWriteKeepsTheOldContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("kept.txt");
        AtomicFile.writeString(target, "old");
        assertThatThrownBy(() -> AtomicFile.write(target, fresh -> {
            Files.writeString(fresh, "half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(target)).isEqualTo("old");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("kept.txt");
        }
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("f.txt");
        AtomicFile.writeString(target, "one");
        AtomicFile.writeString(target, "two");
        assertThat(Files.readString(target)).isEqualTo("two");
    }
}
