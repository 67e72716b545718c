package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.data.ImageDataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Trains an {@link ImageClassifier} with cross-entropy and measures its accuracy on a test split. */
public final class ClassifierTrainer extends FeatureTrainer {
    private final ImageDataset train;
    private final ImageDataset test;
    private final EncoderConfig encoder;

    public ClassifierTrainer(FeatureTrainConfig config, EncoderConfig encoder, ImageDataset train, ImageDataset test,
            Path outDir) {
        super(config, outDir);
        if (!train.prompts().equals(test.prompts()) || train.channels() != encoder.imageChannels()
                || train.size() != encoder.imageSize()) {
            throw new IllegalArgumentException("train and test splits must share classes and image shape with the network");
        }
        this.train = train;
        this.test = test;
        this.encoder = encoder;
    }

    /** The small CNN for 32x32 Fashion-MNIST: conv 16, 32, 64 with pooling, 128-d features, 10 logits. */
    public static EncoderConfig fashionEncoder(int channels, int size) {
        return new EncoderConfig(channels, size, new int[] {16, 32, 64}, 128, 8);
    }

    @Override
    protected FeatureInfo info() {
        return new FeatureInfo(ImageClassifier.KIND, train.name(), encoder, train.prompts(), 0, Map.of());
    }

    /** A batch drawn uniformly with replacement from the training split. */
    @Override
    protected NDArray batchLoss(FeatureNetwork network, NDManager scope, Random random) {
        int batch = config.batch();
        int length = train.imageLength();
        float[] images = new float[batch * length];
        long[] labels = new long[batch];
        for (int b = 0; b < batch; b++) {
            int i = random.nextInt(train.count());
            train.copyImage(i, images, b * length);
            labels[b] = train.promptIndex()[i];
        }
        NDArray x = scope.create(images, new Shape(batch, train.channels(), train.size(), train.size()));
        return ((ImageClassifier) network).loss(x, scope.create(labels, new Shape(batch)));
    }

    @Override
    protected Map<String, String> evaluate(FeatureNetwork network) {
        double accuracy = accuracy((ImageClassifier) network, test);
        Map<String, String> measured = new LinkedHashMap<>();
        measured.put("test_accuracy", String.format("%.4f", accuracy));
        measured.put("test_images", Integer.toString(test.count()));
        return measured;
    }

    /** Fraction of {@code data} classified as labelled, in batches without gradients. */
    public static double accuracy(ImageClassifier classifier, ImageDataset data) {
        int correct = 0;
        int length = data.imageLength();
        NDManager parent = classifier.getParameters().valueAt(0).getArray().getManager();
        for (int first = 0; first < data.count(); first += FeatureModel.BATCH) {
            int size = Math.min(FeatureModel.BATCH, data.count() - first);
            float[] images = new float[size * length];
            System.arraycopy(data.pixels(), first * length, images, 0, images.length);
            try (NDManager scope = parent.newSubManager()) {
                long[] predicted = classifier.classify(
                        scope.create(images, new Shape(size, data.channels(), data.size(), data.size()))).toLongArray();
                for (int i = 0; i < size; i++) {
                    if (predicted[i] == data.promptIndex()[first + i]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / data.count();
    }
}
