package dev.fewstep.adaptive;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.Weights;
import dev.fewstep.text.TextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained AdaDiff policy: π(a | e) over a fixed list of actions, and the teacher its sampler actions run on. At
 * use it is deterministic, the most probable action. Saved as {@value #FILE} in its own folder, a kind of file of
 * its own (no {@code model.safetensors}, so model listings pass it by). Owns native memory; close it.
 */
public final class Policy implements AutoCloseable {
    public static final String FILE = "policy.safetensors";
    public static final String FORMAT = "fewstep-policy-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String teacher;
    private final List<String> actions;
    private final int[] nfe;
    private final int hiddenDim;
    private final Map<String, String> extra;
    private final NDManager manager;
    private final PolicyNetwork network;

    /** A fresh policy, its weights drawn from {@code seed}. */
    public static Policy create(String name, String teacher, List<String> actions, int[] nfe, int hiddenDim, long seed) {
        NDManager manager = NDManager.newBaseManager();
        PolicyNetwork network = new PolicyNetwork(TextEncoder.DIM, hiddenDim, actions.size());
        Engine.getInstance().setRandomSeed((int) seed);
        network.initialize(manager, DataType.FLOAT32);
        return new Policy(name, teacher, actions, nfe, hiddenDim, Map.of(), manager, network);
    }

    private Policy(String name, String teacher, List<String> actions, int[] nfe, int hiddenDim, Map<String, String> extra,
            NDManager manager, PolicyNetwork network) {
        if (actions.size() != nfe.length) {
            throw new IllegalArgumentException(actions.size() + " actions but " + nfe.length + " NFE values");
        }
        this.name = name;
        this.teacher = teacher;
        this.actions = List.copyOf(actions);
        this.nfe = nfe.clone();
        this.hiddenDim = hiddenDim;
        this.extra = Map.copyOf(extra);
        this.manager = manager;
        this.network = network;
    }

    public String name() {
        return name;
    }

    public String teacher() {
        return teacher;
    }

    public List<String> actions() {
        return actions;
    }

    public int[] nfe() {
        return nfe.clone();
    }

    /** What training wrote beside the weights (settings, measured numbers). */
    public Map<String, String> extra() {
        return extra;
    }

    PolicyNetwork network() {
        return network;
    }

    NDManager manager() {
        return manager;
    }

    /** π(· | e) of one embedding. */
    public float[] probabilities(float[] embedding) {
        return infer(embedding, 1);
    }

    /** The action for a prompt: argmax π(a | e), the lowest index on a tie, so the same prompt always gets the same. */
    public int choose(String prompt) {
        return choose(TextEncoder.get().embed(prompt));
    }

    public int choose(float[] embedding) {
        float[] p = probabilities(embedding);
        int best = 0;
        for (int a = 1; a < p.length; a++) {
            if (p[a] > p[best]) {
                best = a;
            }
        }
        return best;
    }

    /** π for {@code count} embeddings, without recording a graph (grad mode is per thread: servers call this too). */
    private float[] infer(float[] embeddings, int count) {
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray e = scope.create(embeddings, new Shape(count, TextEncoder.DIM));
            return network.apply(e).softmax(1).toFloatArray();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    /** Writes {@value #FILE} into {@code dir} (created), with the actions and {@code extra} in its metadata. */
    public void save(Path dir, Map<String, String> moreExtra) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("kind", "adadiff-policy");
        metadata.put("teacher", teacher);
        metadata.put("actions", JSON.writeValueAsString(actions));
        metadata.put("nfe", JSON.writeValueAsString(nfe));
        metadata.put("hidden", Integer.toString(hiddenDim));
        Map<String, String> all = new LinkedHashMap<>(extra);
        all.putAll(moreExtra);
        metadata.put("extra", JSON.writeValueAsString(all));
        SafeTensors.write(dir.resolve(FILE), Weights.of(network), metadata);
    }

    /** Loads a policy folder; a file that is not a policy is refused with a message. */
    public static Policy load(Path dir) {
        Path file = dir.resolve(FILE);
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> m = contents.metadata();
        if (!FORMAT.equals(m.get("format"))) {
            throw new CheckpointException(file + " is not a fewstep policy (format " + m.get("format") + ")");
        }
        List<String> actions;
        int[] nfe;
        Map<String, String> extra;
        int hidden;
        try {
            actions = JSON.readValue(m.get("actions"), new TypeReference<List<String>>() {});
            nfe = JSON.readValue(m.get("nfe"), int[].class);
            extra = JSON.readValue(m.get("extra"), new TypeReference<Map<String, String>>() {});
            hidden = Integer.parseInt(m.get("hidden"));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " has corrupt policy metadata: " + e.getMessage(), e);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            PolicyNetwork network = new PolicyNetwork(TextEncoder.DIM, hidden, actions.size());
            network.initialize(manager, DataType.FLOAT32);
            Weights.load(network, contents.tensors(), file.toString());
            network.freezeParameters(true);
            return new Policy(dir.toAbsolutePath().normalize().getFileName().toString(), m.get("teacher"), actions, nfe,
                    hidden, extra, manager, network);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
