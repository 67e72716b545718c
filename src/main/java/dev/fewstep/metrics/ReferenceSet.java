package dev.fewstep.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.metrics.features.FeatureModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The real images a generator is measured against, as features of one feature network, cached on disk next
 * to it. Two disjoint real sets: the <em>reference</em> (FID statistics, the real side of precision and
 * recall) and the <em>floor</em> set, an independent real sample from the same distribution; the FID of n
 * floor images against the reference is the "real-vs-real" FID below which no generator of n samples can be
 * expected to go. Both sets are stored in a seeded random order, so the first images of each prompt are a
 * fixed random pick.
 *
 * @param referenceFeatures (referenceCount * dim)
 * @param referencePrompts prompt index of each reference image
 * @param referenceScore mean prompt score of the reference images under their own prompts (the test
 *     accuracy of a classifier, the real-image alignment of a CLIP): the ceiling for a generator's score
 * @param featureDigest SHA-256 of the feature network's weights these features came from
 */
public record ReferenceSet(
        String description, String floorDescription, List<String> prompts, int dim,
        float[] referenceFeatures, int[] referencePrompts, float[] floorFeatures, int[] floorPrompts,
        double referenceScore, String featureDigest) {
    public static final String FILE = "reference-stats.safetensors";
    private static final String FORMAT = "fewstep-reference-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public int referenceCount() {
        return referencePrompts.length;
    }

    public int floorCount() {
        return floorPrompts.length;
    }

    public GaussianStatistics referenceStatistics() {
        return GaussianStatistics.of(referenceFeatures, referenceCount(), dim);
    }

    /** Real features chosen to match a list of prompt indices; the prompts that ran out of images are skipped. */
    public record Selection(float[] features, int count) {}

    public Selection selectReference(int[] wantedPrompts) {
        return select(referenceFeatures, referencePrompts, wantedPrompts);
    }

    public Selection selectFloor(int[] wantedPrompts) {
        return select(floorFeatures, floorPrompts, wantedPrompts);
    }

    /** For each wanted prompt in turn, the next not yet used image with that prompt, in stored order. */
    private Selection select(float[] features, int[] promptOf, int[] wanted) {
        List<List<Integer>> byPrompt = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            byPrompt.add(new ArrayList<>());
        }
        for (int i = 0; i < promptOf.length; i++) {
            byPrompt.get(promptOf[i]).add(i);
        }
        int[] used = new int[prompts.size()];
        float[] out = new float[wanted.length * dim];
        int count = 0;
        for (int p : wanted) {
            if (used[p] < byPrompt.get(p).size()) {
                int row = byPrompt.get(p).get(used[p]++);
                System.arraycopy(features, row * dim, out, count * dim, dim);
                count++;
            }
        }
        return new Selection(java.util.Arrays.copyOf(out, count * dim), count);
    }

    /**
     * Computes the features of both real sets. The floor set is first cut to the reference's size, spread
     * evenly over the prompts like the generated samples ({@link PromptSpread}), so it costs no more than the
     * reference to embed.
     */
    public static ReferenceSet build(FeatureModel features, ImageDataset reference, String description,
            ImageDataset floor, String floorDescription, long seed) {
        if (!reference.prompts().equals(floor.prompts()) || !reference.prompts().equals(features.info().prompts())) {
            throw new IllegalArgumentException("reference, floor and feature network must share one prompt vocabulary");
        }
        int[] referenceOrder = shuffled(reference.count(), seed);
        int[] floorOrder = balancedSubset(floor, shuffled(floor.count(), seed + 1), reference.count());
        float[] referencePixels = gather(reference, referenceOrder);
        float[] floorPixels = gather(floor, floorOrder);
        FeatureModel.Measurement measured = features.measure(referencePixels, referenceOrder.length,
                List.of(promptsOf(reference, referenceOrder)));
        return new ReferenceSet(description, floorDescription, reference.prompts(), features.featureDim(),
                measured.features(), indicesOf(reference, referenceOrder),
                features.features(floorPixels, floorOrder.length), indicesOf(floor, floorOrder),
                Evaluator.mean(measured.promptScores().get(0)), features.digest());
    }

    /** Up to {@code size} images of {@code order}, as evenly spread over the prompts as the data allows. */
    private static int[] balancedSubset(ImageDataset data, int[] order, int size) {
        List<List<Integer>> byPrompt = new ArrayList<>();
        for (int p = 0; p < data.prompts().size(); p++) {
            byPrompt.add(new ArrayList<>());
        }
        for (int i : order) {
            byPrompt.get(data.promptIndex()[i]).add(i);
        }
        int[] used = new int[data.prompts().size()];
        List<Integer> out = new ArrayList<>();
        for (int p : PromptSpread.indices(Math.min(size, data.count()), data.prompts().size())) {
            if (used[p] < byPrompt.get(p).size()) {
                out.add(byPrompt.get(p).get(used[p]++));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] shuffled(int count, long seed) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static float[] gather(ImageDataset data, int[] order) {
        float[] out = new float[order.length * data.imageLength()];
        for (int i = 0; i < order.length; i++) {
            data.copyImage(order[i], out, i * data.imageLength());
        }
        return out;
    }

    private static List<String> promptsOf(ImageDataset data, int[] order) {
        List<String> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(data.prompt(i));
        }
        return out;
    }

    private static int[] indicesOf(ImageDataset data, int[] order) {
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = data.promptIndex()[order[i]];
        }
        return out;
    }

    public void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("reference.features", new Tensor(new long[] {referenceCount(), dim}, referenceFeatures));
        tensors.put("reference.prompts", new Tensor(new long[] {referenceCount()}, asFloats(referencePrompts)));
        tensors.put("floor.features", new Tensor(new long[] {floorCount(), dim}, floorFeatures));
        tensors.put("floor.prompts", new Tensor(new long[] {floorCount()}, asFloats(floorPrompts)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("description", description);
        meta.put("floor_description", floorDescription);
        meta.put("prompts", JSON.writeValueAsString(prompts));
        meta.put("reference_score", Double.toString(referenceScore));
        meta.put("feature_digest", featureDigest);
        Files.createDirectories(file.toAbsolutePath().getParent());
        SafeTensors.write(file, tensors, meta);
    }

    public static ReferenceSet load(Path file) {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> meta = contents.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new CheckpointException(file + " is not a fewstep reference file (format " + meta.get("format") + ")");
        }
        try {
            Tensor referenceFeatures = required(contents, "reference.features", file);
            Tensor floorFeatures = required(contents, "floor.features", file);
            return new ReferenceSet(meta.get("description"), meta.get("floor_description"),
                    JSON.readValue(meta.get("prompts"), new TypeReference<List<String>>() {}),
                    (int) referenceFeatures.shape()[1], referenceFeatures.data(),
                    asInts(required(contents, "reference.prompts", file).data()), floorFeatures.data(),
                    asInts(required(contents, "floor.prompts", file).data()),
                    Double.parseDouble(meta.get("reference_score")), meta.get("feature_digest"));
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof CheckpointException c) {
                throw c;
            }
            throw new CheckpointException(file + " has corrupt reference metadata: " + e.getMessage(), e);
        }
    }

    private static Tensor required(SafeTensors.Contents contents, String name, Path file) {
        Tensor t = contents.tensors().get(name);
        if (t == null) {
            throw new CheckpointException(file + " lacks the tensor '" + name + "'");
        }
        return t;
    }

    /** Prompt indices stored as F32 (the only dtype fewstep writes); exact below 2^24. */
    private static float[] asFloats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static int[] asInts(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i]);
        }
        return out;
    }
}
