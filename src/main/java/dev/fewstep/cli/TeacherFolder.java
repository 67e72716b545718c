package dev.fewstep.cli;

import dev.fewstep.model.ModelStore;
import java.nio.file.Path;

/** The teacher a distillation or adapter run reads: its folder, never the run's own output folder. */
final class TeacherFolder {
    private TeacherFolder() {}

    /** @throws IllegalArgumentException when {@code out} is the teacher's folder */
    static Path resolve(String teacher, Path out) {
        Path dir = ModelStore.resolve(teacher);
        if (dir.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must not be the teacher's folder " + dir);
        }
        return dir;
    }
}
