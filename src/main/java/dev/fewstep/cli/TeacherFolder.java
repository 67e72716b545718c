package dev.fewstep.cli;

import dev.fewstep.io.SafeTensors;
import dev.fewstep.latent.LatentKinds;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The teacher a distillation or adapter run reads: its folder, never the run's own output folder. */
final class TeacherFolder {
    private TeacherFolder() {}

    /** @throws IllegalArgumentException when {@code out} is the teacher's folder, or the teacher is a latent model */
    static Path resolve(String teacher, Path out) throws IOException {
        Path dir = ModelStore.resolve(teacher);
        if (dir.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must not be the teacher's folder " + dir);
        }
        Path weights = dir.resolve(ModelStore.WEIGHTS);
        if (Files.isRegularFile(weights)) {
            LatentKinds.refuseUnbuilt(ModelInfo.fromMetadata(SafeTensors.read(weights).metadata(), weights.toString()),
                    "distilling or adapting");
        }
        return dir;
    }
}
