package dev.fewstep.nn.lora;

import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An adapter file ({@value #FILE} in a folder of the models directory) as read: its info and, per target layer, the
 * factors A (r × in·k·k) and B (out × r), checked for consistent shapes.
 */
public record Lora(String name, LoraInfo info, Map<String, Factors> factors) {
    public static final String FILE = "lora.safetensors";

    /** One target's A and B. */
    public record Factors(Tensor a, Tensor b) {}

    public static void write(Path file, Map<String, Tensor> tensors, LoraInfo info) throws IOException {
        SafeTensors.write(file, tensors, info.toMetadata());
    }

    /** Reads and checks an adapter file; any defect is a {@link CheckpointException} naming the file. */
    public static Lora read(String name, Path file) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        LoraInfo info = LoraInfo.fromMetadata(contents.metadata(), file.toString());
        Map<String, Factors> factors = new LinkedHashMap<>();
        int rank = info.config().rank();
        contents.tensors().forEach((key, a) -> {
            if (key.endsWith(Adapters.B)) {
                return;
            }
            if (!key.endsWith(Adapters.A)) {
                throw new CheckpointException(file + ": tensor '" + key + "' is neither a LoRA A nor B factor");
            }
            String target = key.substring(0, key.length() - Adapters.A.length());
            Tensor b = contents.tensors().get(target + Adapters.B);
            if (b == null) {
                throw new CheckpointException(file + ": '" + target + "' has an A factor but no B factor");
            }
            if (a.shape().length != 2 || b.shape().length != 2 || a.shape()[0] != rank || b.shape()[1] != rank) {
                throw new CheckpointException(file + ": '" + target + "' has factors of shapes "
                        + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape())
                        + ", not (" + rank + ", in) and (out, " + rank + ") for rank " + rank);
            }
            factors.put(target, new Factors(a, b));
        });
        if (2 * factors.size() != contents.tensors().size()) {
            throw new CheckpointException(file + ": some B factors have no A factor");
        }
        if (factors.isEmpty()) {
            throw new CheckpointException(file + " holds no adapters");
        }
        return new Lora(name, info, factors);
    }

    /** How {@code fewstep models} and {@code info} show it: base, hash, shape, size, data. */
    public String describe() {
        LoraConfig c = info.config();
        return String.format(java.util.Locale.ROOT, "  kind: LoRA of %s (base sha256 %s), rank %d, alpha %s%s%n"
                + "  %d parameters on %d layers, dataset: %s, step: %d%n", info.base(), info.baseSha256().substring(0, 10),
                c.rank(), c.alpha(), (c.convolutions() ? ", 3×3 convolutions too" : "") + (info.modelKind() == null ? ""
                        : ", makes a '" + info.modelKind() + "' model of its base"), parameterCount(), factors.size(),
                info.dataset(), info.step())
                + String.join("", info.extra().entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue()
                        + System.lineSeparator()).toList());
    }

    public long parameterCount() {
        return factors.values().stream().mapToLong(f -> f.a().data().length + f.b().data().length).sum();
    }

    /** The update ΔW = (α/r) B A of one target, flattened to (out, in·k·k) row-major (Hu et al. 2021, Eq. 3). */
    public float[] delta(String target, double weight) {
        Factors f = factors.get(target);
        int out = (int) f.b().shape()[0];
        int rank = (int) f.b().shape()[1];
        int fanIn = (int) f.a().shape()[1];
        double scale = weight * info.config().alpha() / info.config().rank();
        float[] delta = new float[out * fanIn];
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < rank; r++) {
                double bor = f.b().data()[o * rank + r] * scale;
                for (int i = 0; i < fanIn; i++) {
                    delta[o * fanIn + i] += (float) (bor * f.a().data()[r * fanIn + i]);
                }
            }
        }
        return delta;
    }
}
