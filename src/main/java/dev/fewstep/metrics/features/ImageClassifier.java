package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.nn.Dense;
import java.util.List;

/**
 * A small CNN classifier: {@link ConvEncoder} features, then one dense layer to the class logits. Its
 * penultimate layer is the feature space for FID on its dataset, in the spirit of Heusel et al. (2017) using
 * Inception's pool features; its argmax is the "prompt accuracy" of a class-conditional generator.
 */
public final class ImageClassifier extends FeatureNetwork {
    public static final String KIND = "classifier";
    private final List<String> classes;
    private final Dense head;

    public ImageClassifier(EncoderConfig config, List<String> classes) {
        super(config);
        this.classes = List.copyOf(classes);
        head = addChildBlock("head", new Dense(config.featureDim(), classes.size(), 1.0));
    }

    /** (B, classes) unnormalised log-probabilities. */
    public NDArray logits(NDArray images) {
        return head.apply(features(images));
    }

    /** (B) the most likely class of each image, as int64 indices into {@link #classes()}. */
    public NDArray classify(NDArray images) {
        return classOfFeatures(features(images));
    }

    /** (B, classes) class probabilities p(c | x) from the images' {@link #features}. */
    public NDArray probabilitiesOfFeatures(NDArray features) {
        return head.apply(features).softmax(1);
    }

    private NDArray classOfFeatures(NDArray features) {
        return head.apply(features).argMax(1);
    }

    /** Mean cross-entropy of {@code labels} (B, int indices) under the predicted class distribution. */
    public NDArray loss(NDArray images, NDArray labels) {
        NDArray logProbabilities = logits(images).logSoftmax(1);
        return logProbabilities.mul(labels.oneHot(classes.size(), DataType.FLOAT32)).sum(new int[] {1}).neg().mean();
    }

    /** 1 where the class predicted from the features is the prompted one, else 0. */
    @Override
    public NDArray promptScoresOfFeatures(NDArray features, List<String> prompts) {
        long[] labels = new long[prompts.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = classIndex(prompts.get(i));
        }
        NDArray predicted = classOfFeatures(features);
        return predicted.eq(features.getManager().create(labels, new Shape(labels.length))).toType(DataType.FLOAT32, false);
    }

    @Override
    public String scoreName() {
        return "promptAccuracy";
    }

    public int classIndex(String prompt) {
        int index = classes.indexOf(prompt.strip());
        if (index < 0) {
            throw new IllegalArgumentException("prompt '" + prompt + "' is none of the classifier's classes " + classes);
        }
        return index;
    }
}
