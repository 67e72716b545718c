package dev.fewstep.latent;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An autoencoder's folder: {@value #FILE} holds its weights and, in the metadata, its shape, data and training
 * settings. A latent diffusion model names the folder and keeps its decoder beside its U-Net.
 */
public final class AutoencoderFile {
    public static final String FILE = "autoencoder.safetensors";
    static final String FORMAT = "fewstep-autoencoder-1";

    private AutoencoderFile() {}

    /**
     * What the file says about itself.
     *
     * @param extra the training settings, the measured reconstruction PSNR, the time
     */
    public record Info(AutoencoderConfig config, String dataset, long step, Map<String, String> extra) {
        Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("config", Json.write(config));
            m.put("dataset", dataset);
            m.put("step", Long.toString(step));
            m.put("extra", Json.write(extra));
            return m;
        }

        static Info fromMetadata(Map<String, String> m, String source) {
            if (!FORMAT.equals(m.get("format"))) {
                throw new CheckpointException(source + " is not a fewstep autoencoder (its metadata lacks format=" + FORMAT + ")");
            }
            try {
                return new Info(Json.read(m.get("config"), AutoencoderConfig.class, source, "autoencoder config").validated(),
                        m.get("dataset"), Long.parseLong(m.get("step")),
                        new ObjectMapper().readValue(m.get("extra"), new TypeReference<Map<String, String>>() {}));
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException(source + " has corrupt autoencoder metadata: " + e.getMessage(), e);
            }
        }
    }

    public static void write(Path file, Autoencoder autoencoder, Info info) throws IOException {
        SafeTensors.write(file, Weights.of(autoencoder), info.toMetadata());
    }

    /** The folder of a name under the models directory ("emoji-ae"), or a path to a folder holding {@value #FILE}. */
    public static Path resolve(String nameOrPath) {
        for (Path dir : List.of(Path.of(nameOrPath), ModelStore.root().resolve(nameOrPath))) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return dir;
            }
        }
        throw new IllegalArgumentException("unknown autoencoder '" + nameOrPath + "' (available: "
                + String.join(", ", names()) + ")");
    }

    public static List<String> names() {
        return ModelStore.foldersHolding(ModelStore.root(), FILE);
    }

    /** What {@code fewstep models} says about an autoencoder folder (its metadata only), or why it is unusable. */
    public static String describe(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            Info info = Info.fromMetadata(SafeTensors.readStored(file).metadata(), file.toString());
            StringBuilder out = new StringBuilder(String.format("  kind: autoencoder, dataset: %s, step: %d%n  network: %s%n",
                    info.dataset(), info.step(), info.config()));
            info.extra().forEach((key, value) -> out.append(String.format("  %s: %s%n", key, value)));
            return out.toString();
        } catch (RuntimeException e) {
            return String.format("  UNUSABLE autoencoder: %s%n", e.getMessage());
        }
    }

    /** A loaded autoencoder with its info; close it to free its weights. */
    public record Loaded(Autoencoder autoencoder, Info info, NDManager manager) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    /**
     * Loads an autoencoder folder's weights, frozen.
     *
     * @throws CheckpointException for a missing, corrupt or mismatched file
     */
    public static Loaded load(Path dir) {
        Path file = dir.resolve(FILE);
        SafeTensors.Contents contents = SafeTensors.read(file);
        Info info = Info.fromMetadata(contents.metadata(), file.toString());
        NDManager manager = NDManager.newBaseManager();
        try {
            Autoencoder autoencoder = Autoencoder.create(info.config(), manager);
            Weights.load(autoencoder, contents.tensors(), file.toString());
            autoencoder.freezeParameters(true);
            return new Loaded(autoencoder, info, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
