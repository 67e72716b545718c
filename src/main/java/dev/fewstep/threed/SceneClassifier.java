package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.metrics.features.ConvEncoder;
import dev.fewstep.metrics.features.EncoderConfig;
import dev.fewstep.metrics.features.FeatureNetwork;
import dev.fewstep.nn.Dense;
import java.util.List;

/**
 * The shapes classifier: a {@link ConvEncoder}'s features, then one dense layer whose logits split into the five heads
 * of {@link SceneLabels} (relation; first shape, first colour; second shape, second colour or none). Its loss is the sum
 * of the heads' cross-entropies; a render matches its prompt when every head's argmax equals the prompt's label, which
 * is the "render prompt accuracy" of issue 31.
 */
public final class SceneClassifier extends FeatureNetwork {
    public static final String KIND = "shapes";
    private final Dense head;

    public SceneClassifier(EncoderConfig config) {
        super(config);
        head = addChildBlock("head", new Dense(config.featureDim(), SceneLabels.logitCount(), 1.0));
    }

    /** The encoder for 32 × 32 renders: conv 32, 64, 128 with pooling, 256-d features. */
    public static EncoderConfig encoder() {
        return new EncoderConfig(3, 32, new int[] {32, 64, 128}, 256, 8);
    }

    /** (B, 29) the heads' logits side by side. */
    public NDArray logits(NDArray images) {
        return head.apply(features(images));
    }

    /** Sum over the heads of the mean cross-entropy; {@code labels} (B, 5) int64 as {@link SceneLabels#toArray()}. */
    public NDArray loss(NDArray images, NDArray labels) {
        NDArray logits = logits(images);
        NDArray total = null;
        for (int h = 0; h < SceneLabels.HEADS.length; h++) {
            NDArray logProbabilities = headLogits(logits, h).logSoftmax(1);
            NDArray target = labels.get(":, " + h).oneHot(SceneLabels.HEADS[h], DataType.FLOAT32);
            NDArray crossEntropy = logProbabilities.mul(target).sum(new int[] {1}).neg().mean();
            total = total == null ? crossEntropy : total.add(crossEntropy);
        }
        return total;
    }

    /** (B, 5) int64 the predicted label of each head. */
    public NDArray predict(NDArray images) {
        return predictFromFeatures(features(images));
    }

    private NDArray predictFromFeatures(NDArray features) {
        NDArray logits = head.apply(features);
        NDList answers = new NDList();
        for (int h = 0; h < SceneLabels.HEADS.length; h++) {
            answers.add(headLogits(logits, h).argMax(1).toType(DataType.INT64, false).reshape(-1, 1));
        }
        return NDArrays.concat(answers, 1);
    }

    private static NDArray headLogits(NDArray logits, int head) {
        int from = SceneLabels.offset(head);
        return logits.get(":, " + from + ":" + (from + SceneLabels.HEADS[head]));
    }

    /** (B, 5) int64 labels of scenes. */
    public static NDArray labels(NDManager manager, List<Scene> scenes) {
        long[] values = new long[scenes.size() * SceneLabels.HEADS.length];
        for (int i = 0; i < scenes.size(); i++) {
            int[] labels = SceneLabels.of(scenes.get(i)).toArray();
            for (int h = 0; h < labels.length; h++) {
                values[i * labels.length + h] = labels[h];
            }
        }
        return manager.create(values, new Shape(scenes.size(), SceneLabels.HEADS.length));
    }

    /** 1 where every head agrees with the prompt's scene (parsed back with {@link Captions#parse}), else 0. */
    @Override
    public NDArray promptScoresOfFeatures(NDArray features, List<String> prompts) {
        List<Scene> scenes = prompts.stream().map(Captions::parse).toList();
        NDArray predicted = predictFromFeatures(features);
        return predicted.eq(labels(features.getManager(), scenes)).toType(DataType.FLOAT32, false).min(new int[] {1});
    }

    @Override
    public String scoreName() {
        return "renderPromptAccuracy";
    }
}
