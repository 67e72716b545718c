package dev.fewstep.metrics.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.fewstep.nn.Dense;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.text.TextEncoder;
import java.util.List;

/**
 * A small CLIP (Radford et al. 2021): a {@link ConvEncoder} image tower and, as text tower, the frozen MiniLM
 * sentence embedding through a learned linear map; both are projected to a shared space and L2-normalised.
 * Trained with the symmetric InfoNCE loss (van den Oord et al. 2018) at a learned temperature.
 */
public final class ImageTextEncoder extends FeatureNetwork {
    public static final String KIND = "clip";
    /** CLIP's initial temperature 0.07 and its cap on the logit scale, 100 (Radford et al. 2021, section 2.5). */
    public static final double INITIAL_LOG_SCALE = Math.log(1 / 0.07);
    public static final double MAX_LOG_SCALE = Math.log(100);
    private static final double NORM_EPSILON = 1e-8;

    private final int embeddingDim;
    private final Dense imageProjection;
    private final Dense textProjection;
    private final Parameter logScale;

    public ImageTextEncoder(EncoderConfig config, int embeddingDim) {
        super(config);
        this.embeddingDim = embeddingDim;
        imageProjection = addChildBlock("imageProjection", new Dense(config.featureDim(), embeddingDim, 1.0));
        textProjection = addChildBlock("textProjection", new Dense(TextEncoder.DIM, embeddingDim, 1.0));
        logScale = parameter("logScale", new Shape(1), constant((float) INITIAL_LOG_SCALE));
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    /** (B, C, H, W) images to (B, embeddingDim) unit vectors in the shared space. */
    public NDArray imageEmbeddings(NDArray images) {
        return imageEmbeddingsOfFeatures(features(images));
    }

    private NDArray imageEmbeddingsOfFeatures(NDArray features) {
        return imageProjection.apply(features).normalize(2, 1, NORM_EPSILON);
    }

    /** (B, 384) MiniLM sentence embeddings to (B, embeddingDim) unit vectors in the shared space. */
    public NDArray textEmbeddings(NDArray sentenceEmbeddings) {
        return textProjection.apply(sentenceEmbeddings).normalize(2, 1, NORM_EPSILON);
    }

    /**
     * Symmetric InfoNCE over a batch of matching pairs (row i of both inputs belong together, and no two rows
     * share a caption): the mean of the image-to-text and text-to-image cross-entropies of the scaled cosine
     * similarity matrix, whose diagonal holds the positives.
     */
    public NDArray loss(NDArray images, NDArray sentenceEmbeddings) {
        NDArray image = imageEmbeddings(images);
        NDArray text = textEmbeddings(sentenceEmbeddings);
        long batch = image.getShape().get(0);
        // The scale is read through an array of the batch's manager, so its temporaries are freed with the batch.
        NDArray scale = image.getManager().zeros(new Shape(1)).add(logScale.getArray()).clip(0, MAX_LOG_SCALE).exp();
        NDArray logits = image.matMul(text.transpose()).mul(scale);
        NDArray diagonal = image.getManager().eye((int) batch);
        NDArray imageToText = NativeMemory.times(logits.logSoftmax(1).mul(diagonal).sum().neg(), 1.0 / batch);
        NDArray textToImage = NativeMemory.times(logits.logSoftmax(0).mul(diagonal).sum().neg(), 1.0 / batch);
        return NativeMemory.times(imageToText.add(textToImage), 0.5);
    }

    /** The current temperature's inverse, exp(logScale), clipped as in training. */
    public double logitScale() {
        return Math.exp(Math.min(MAX_LOG_SCALE, Math.max(0, logScale.getArray().getFloat())));
    }

    /** Cosine between each image and its prompt in the shared space: the analogue of a CLIP score. */
    @Override
    public NDArray promptScoresOfFeatures(NDArray features, List<String> prompts) {
        NDArray sentences = features.getManager().create(TextEncoder.get().embedAll(prompts),
                new Shape(prompts.size(), TextEncoder.DIM));
        return imageEmbeddingsOfFeatures(features).mul(textEmbeddings(sentences)).sum(new int[] {1});
    }

    @Override
    public String scoreName() {
        return "alignment";
    }
}
