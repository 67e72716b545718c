package dev.fewstep.adaptive;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every action made of every (prompt, noise) sample, measured once so that training and evaluating a policy
 * never generate again. Per sample s and action a: p(c | x) of the prompt's class, whether the classifier's argmax
 * is that class, the realism r(x) ({@link Realism}) and the image's features (for the FID of any mix of actions).
 * Samples are added in chunks; a table on disk is a run that can be continued.
 *
 * @param seeds sample s starts from the noise of seed {@code seeds[s]} under every action
 */
public record QualityTable(String teacher, List<String> actions, int[] nfe, String features, int featureDim,
        List<Sample> samples, float[] probability, float[] correct, float[] realism, float[] imageFeatures) {
    public static final String FILE = "quality-table.safetensors";
    private static final String FORMAT = "fewstep-quality-table-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One (prompt, noise) sample. */
    public record Sample(String prompt, int classIndex, int template, long seed, boolean heldOut) {}

    public int actionCount() {
        return actions.size();
    }

    public int size() {
        return samples.size();
    }

    /** Q(s, a) = p(c | x) + lambda * r(x): the per-image quality the reward ranks (docs/adaptive.md). */
    public double quality(int sample, int action, double lambda) {
        int i = sample * actionCount() + action;
        return probability[i] + lambda * realism[i];
    }

    public float probability(int sample, int action) {
        return probability[sample * actionCount() + action];
    }

    public float correct(int sample, int action) {
        return correct[sample * actionCount() + action];
    }

    public float realism(int sample, int action) {
        return realism[sample * actionCount() + action];
    }

    /** The indices of the held-out (or training) samples. */
    public int[] indices(boolean heldOut) {
        return java.util.stream.IntStream.range(0, size()).filter(s -> samples.get(s).heldOut() == heldOut).toArray();
    }

    public int actionIndex(String spec) {
        int a = actions.indexOf(spec);
        if (a < 0) {
            throw new IllegalArgumentException("the quality table has no action '" + spec + "' (it has " + actions + ")");
        }
        return a;
    }

    /** The columns of some of its actions, in the order given: a policy over fewer actions needs no new images. */
    public QualityTable select(List<String> specs) {
        int s = size();
        int a = specs.size();
        int[] from = specs.stream().mapToInt(this::actionIndex).toArray();
        int[] nfeOut = new int[a];
        float[] p = new float[s * a];
        float[] c = new float[s * a];
        float[] r = new float[s * a];
        float[] f = new float[s * a * featureDim];
        for (int j = 0; j < a; j++) {
            nfeOut[j] = nfe[from[j]];
            for (int i = 0; i < s; i++) {
                int source = i * actionCount() + from[j];
                p[i * a + j] = probability[source];
                c[i * a + j] = correct[source];
                r[i * a + j] = realism[source];
                System.arraycopy(imageFeatures, source * featureDim, f, (i * a + j) * featureDim, featureDim);
            }
        }
        return new QualityTable(teacher, List.copyOf(specs), nfeOut, features, featureDim, samples, p, c, r, f);
    }

    /** This table with {@code more}'s samples appended; both must measure the same actions with the same features. */
    public QualityTable append(QualityTable more) {
        if (!more.actions.equals(actions) || !more.features.equals(features) || !more.teacher.equals(teacher)) {
            throw new IllegalArgumentException("cannot append a table of other actions, features or teacher");
        }
        List<Sample> all = new ArrayList<>(samples);
        all.addAll(more.samples);
        return new QualityTable(teacher, actions, nfe, features, featureDim, all, concat(probability, more.probability),
                concat(correct, more.correct), concat(realism, more.realism), concat(imageFeatures, more.imageFeatures));
    }

    public void save(Path file) throws IOException {
        int s = size();
        int a = actionCount();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("probability", new Tensor(new long[] {s, a}, probability));
        tensors.put("correct", new Tensor(new long[] {s, a}, correct));
        tensors.put("realism", new Tensor(new long[] {s, a}, realism));
        tensors.put("features", new Tensor(new long[] {s, a, featureDim}, imageFeatures));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("teacher", teacher);
        metadata.put("actions", JSON.writeValueAsString(actions));
        metadata.put("nfe", JSON.writeValueAsString(nfe));
        metadata.put("features", features);
        metadata.put("samples", JSON.writeValueAsString(samples));
        SafeTensors.write(file, tensors, metadata);
    }

    public static QualityTable load(Path file) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> m = contents.metadata();
        if (!FORMAT.equals(m.get("format"))) {
            throw new CheckpointException(file + " is not a quality table (format " + m.get("format") + ")");
        }
        try {
            Tensor features = contents.tensors().get("features");
            return new QualityTable(m.get("teacher"), JSON.readValue(m.get("actions"), new TypeReference<List<String>>() {}),
                    JSON.readValue(m.get("nfe"), int[].class), m.get("features"), (int) features.shape()[2],
                    JSON.readValue(m.get("samples"), new TypeReference<List<Sample>>() {}),
                    contents.tensors().get("probability").data(), contents.tensors().get("correct").data(),
                    contents.tensors().get("realism").data(), features.data());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " has a corrupt quality table: " + e.getMessage(), e);
        }
    }

    /** The table without features, one row per (sample, action), for reading by eye or with other tools. */
    public void writeCsv(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("sample,prompt,class,template,seed,held_out,action,nfe,probability,correct,realism\n");
            for (int s = 0; s < size(); s++) {
                Sample sample = samples.get(s);
                for (int a = 0; a < actionCount(); a++) {
                    out.write(String.format(Locale.ROOT, "%d,\"%s\",%d,%d,%d,%b,%s,%d,%.5f,%.0f,%.5f%n", s,
                            sample.prompt(), sample.classIndex(), sample.template(), sample.seed(), sample.heldOut(),
                            actions.get(a), nfe[a], probability(s, a), correct(s, a), realism(s, a)));
                }
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
