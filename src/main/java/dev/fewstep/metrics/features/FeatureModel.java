package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A loaded feature network with its metadata. Runs batched and without gradients; owns the native memory of
 * its weights, so close it when done.
 */
public final class FeatureModel implements AutoCloseable {
    public static final String WEIGHTS = "features.safetensors";
    /** Images per forward pass: bounds memory, and fixed so results do not depend on how callers chunk. */
    public static final int BATCH = 250;

    private final String name;
    private final FeatureInfo info;
    private final NDManager manager;
    private final FeatureNetwork network;
    private final String digest;

    private FeatureModel(String name, FeatureInfo info, NDManager manager, FeatureNetwork network, String digest) {
        this.name = name;
        this.info = info;
        this.manager = manager;
        this.network = network;
        this.digest = digest;
    }

    /** Loads {@code features.safetensors} from a feature-network folder. */
    public static FeatureModel load(Path dir) {
        Path file = dir.resolve(WEIGHTS);
        SafeTensors.Contents contents = SafeTensors.read(file);
        FeatureInfo info = FeatureInfo.fromMetadata(contents.metadata(), file.toString());
        NDManager manager = NDManager.newBaseManager();
        try {
            FeatureNetwork network = info.newNetwork();
            network.initialize(manager, DataType.FLOAT32);
            Weights.load(network, contents.tensors(), file.toString());
            network.freezeParameters(true);
            return new FeatureModel(dir.toAbsolutePath().normalize().getFileName().toString(), info, manager, network,
                    digest(file));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public static void save(Path dir, FeatureNetwork network, FeatureInfo info) throws IOException {
        SafeTensors.write(dir.resolve(WEIGHTS), Weights.of(network), info.toMetadata());
    }

    public String name() {
        return name;
    }

    public FeatureInfo info() {
        return info;
    }

    /** SHA-256 of the weights file: reference statistics cached for other weights are stale. */
    public String digest() {
        return digest;
    }

    public int featureDim() {
        return info.config().featureDim();
    }

    public String scoreName() {
        return network.scoreName();
    }

    /** (count * featureDim) penultimate features of {@code count} channels-first images. */
    public float[] features(float[] pixels, int count) {
        return measure(pixels, count, List.of()).features();
    }

    /** Per-image agreement with the prompts, e.g. 1/0 "classified as prompted" or the image-text cosine. */
    public float[] promptScores(float[] pixels, int count, List<String> prompts) {
        return measure(pixels, count, List.of(prompts)).promptScores().get(0);
    }

    /** The features of a set of images and their {@link #promptScores} against each of several prompt lists. */
    public record Measurement(float[] features, List<float[]> promptScores) {}

    /**
     * {@link #features} and {@link #promptScores} for each list in {@code promptLists} (one prompt per image each),
     * from a single pass of the encoder over the images.
     */
    public Measurement measure(float[] pixels, int count, List<List<String>> promptLists) {
        for (List<String> prompts : promptLists) {
            if (prompts.size() != count) {
                throw new IllegalArgumentException(count + " images but " + prompts.size() + " prompts");
            }
        }
        int dim = featureDim();
        float[] features = new float[count * dim];
        List<float[]> scores = new ArrayList<>();
        for (int i = 0; i < promptLists.size(); i++) {
            scores.add(new float[count]);
        }
        forEachBatch(pixels, count, (scope, images, first, size) -> {
            NDArray batchFeatures = network.features(images);
            System.arraycopy(batchFeatures.toFloatArray(), 0, features, first * dim, size * dim);
            for (int i = 0; i < promptLists.size(); i++) {
                List<String> prompts = promptLists.get(i).subList(first, first + size);
                System.arraycopy(network.promptScoresOfFeatures(batchFeatures, prompts).toFloatArray(), 0,
                        scores.get(i), first, size);
            }
        });
        return new Measurement(features, List.copyOf(scores));
    }

    /** Features and class probabilities of a set of images, from one pass of a classifier. */
    public record ClassMeasurement(float[] features, float[] probabilities, int classes) {}

    /** {@link #features} and p(c | x) for every class (count * classes, row after row); classifiers only. */
    public ClassMeasurement measureClasses(float[] pixels, int count) {
        if (!(network instanceof ImageClassifier classifier)) {
            throw new IllegalArgumentException(name + " is a " + info.kind() + ", not a classifier");
        }
        int dim = featureDim();
        int classes = info.prompts().size();
        float[] features = new float[count * dim];
        float[] probabilities = new float[count * classes];
        forEachBatch(pixels, count, (scope, images, first, size) -> {
            NDArray batchFeatures = network.features(images);
            System.arraycopy(batchFeatures.toFloatArray(), 0, features, first * dim, size * dim);
            System.arraycopy(classifier.probabilitiesOfFeatures(batchFeatures).toFloatArray(), 0, probabilities,
                    first * classes, size * classes);
        });
        return new ClassMeasurement(features, probabilities, classes);
    }

    /** The predicted class of each image; classifiers only. */
    public int[] classify(float[] pixels, int count) {
        if (!(network instanceof ImageClassifier classifier)) {
            throw new IllegalArgumentException(name + " is a " + info.kind() + ", not a classifier");
        }
        int[] out = new int[count];
        forEachBatch(pixels, count, (scope, images, first, size) -> {
            long[] predicted = classifier.classify(images).toLongArray();
            for (int i = 0; i < size; i++) {
                out[first + i] = (int) predicted[i];
            }
        });
        return out;
    }

    private interface BatchAction {
        void accept(NDManager scope, NDArray images, int first, int size);
    }

    private void forEachBatch(float[] pixels, int count, BatchAction action) {
        EncoderConfig config = info.config();
        int length = config.imageLength();
        if ((long) count * length != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel values are not " + count + " images of "
                    + config.imageChannels() + "x" + config.imageSize() + "x" + config.imageSize());
        }
        for (int first = 0; first < count; first += BATCH) {
            int size = Math.min(BATCH, count - first);
            float[] chunk = new float[size * length];
            System.arraycopy(pixels, first * length, chunk, 0, chunk.length);
            try (NDManager scope = manager.newSubManager()) {
                NDArray images = scope.create(chunk,
                        new Shape(size, config.imageChannels(), config.imageSize(), config.imageSize()));
                action.accept(scope, images, first, size);
            }
        }
    }

    private static String digest(Path file) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(hash);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
