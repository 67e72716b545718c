package dev.fewstep.nn.lora;

import dev.fewstep.model.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds adapters by name: a folder under the models directory holding {@value Lora#FILE}. */
public final class LoraStore {
    private LoraStore() {}

    /** The adapter file of a name ("emoji-noto-lora") or of a path to its folder. */
    public static Path resolve(String nameOrPath) {
        for (Path dir : List.of(Path.of(nameOrPath), ModelStore.root().resolve(nameOrPath))) {
            if (Files.isRegularFile(dir.resolve(Lora.FILE))) {
                return dir.resolve(Lora.FILE);
            }
        }
        throw new IllegalArgumentException("unknown LoRA '" + nameOrPath + "' (available: " + String.join(", ", names())
                + ")");
    }

    public static Lora read(String nameOrPath) {
        Path file = resolve(nameOrPath);
        return Lora.read(file.getParent().getFileName().toString(), file);
    }

    public static List<String> names() {
        return names(ModelStore.root());
    }

    /** The adapter folders in {@code root}, sorted. */
    public static List<String> names(Path root) {
        return ModelStore.foldersHolding(root, Lora.FILE);
    }
}
