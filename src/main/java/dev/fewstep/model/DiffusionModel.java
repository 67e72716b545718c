package dev.fewstep.model;

import ai.djl.ndarray.NDManager;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.generate.Generator;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.nn.UNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded model: its network, wrapped as its kind's denoiser, and what it says about itself. Owns the native
 * memory of its weights; close it when done. Inference on it is thread-safe (weights are only read).
 */
public final class DiffusionModel implements AutoCloseable {
    private final String name;
    private final ModelInfo info;
    private final NDManager manager;
    private final UNet network;
    private final Denoiser denoiser;
    private final ModelKind kind;
    private final Path file;
    private volatile String hash;

    /**
     * @param file the file the weights came from, or null for a model built in memory
     * @throws dev.fewstep.io.CheckpointException if no method registered the info's kind
     */
    public DiffusionModel(String name, ModelInfo info, NDManager manager, UNet network, Path file) {
        this(name, info, manager, network, file, Map.of());
    }

    private DiffusionModel(String name, ModelInfo info, NDManager manager, UNet network, Path file,
            Map<String, Tensor> weights) {
        this.name = name;
        this.file = file;
        this.info = info;
        this.manager = manager;
        this.network = network;
        this.kind = info.modelKind();
        this.denoiser = kind.denoiser().build(network, info, weights, manager);
    }

    /** Loads {@code model.safetensors} from a model folder. */
    public static DiffusionModel load(Path dir) {
        Path file = dir.resolve(ModelStore.WEIGHTS);
        SafeTensors.Contents contents = SafeTensors.read(file);
        ModelInfo info = ModelInfo.fromMetadata(contents.metadata(), file.toString());
        info.modelKind(); // an unknown kind is refused before any native memory is allocated
        if (info.config() == null) {
            throw new dev.fewstep.io.CheckpointException(file + " names no network config");
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            UNet network = UNet.create(info.config(), manager);
            Weights.load(network, contents.tensors(), file.toString());
            network.freezeParameters(true);
            return new DiffusionModel(dir.getFileName().toString(), info, manager, network, file, contents.tensors());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public static void save(Path dir, UNet network, ModelInfo info) throws IOException {
        save(dir, Weights.of(network), info);
    }

    /** @param weights the network's tensors and those of any block the model's kind adds */
    public static void save(Path dir, Map<String, Tensor> weights, ModelInfo info) throws IOException {
        SafeTensors.write(dir.resolve(ModelStore.WEIGHTS), weights, info.toMetadata());
    }

    public String name() {
        return name;
    }

    public ModelInfo info() {
        return info;
    }

    public UNet network() {
        return network;
    }

    /** The network with its kind's preconditioning. */
    public Denoiser denoiser() {
        return denoiser;
    }

    /** The first 10 hex digits of the model file's SHA-256 (how images name the exact weights), or "" in memory. */
    public String hash() {
        if (hash == null) {
            try {
                hash = file == null ? "" : ModelStore.sha256(file).substring(0, 10);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return hash;
    }

    /** The weights file it was loaded from, or null for a model built in memory. */
    public Path file() {
        return file;
    }

    public ModelKind kind() {
        return kind;
    }

    /** The model's generator around its own denoiser. */
    public Generator generator() {
        return generator(denoiser);
    }

    /** The model's generator around {@code around}, a wrapper of {@link #denoiser()} (e.g. one that counts calls). */
    public Generator generator(Denoiser around) {
        return kind.generator(info, around, denoiser);
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
