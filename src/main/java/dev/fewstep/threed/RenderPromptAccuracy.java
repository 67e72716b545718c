package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.metrics.features.FeatureModel;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 31's "render prompt accuracy": the fraction of renders whose scene, as the shapes classifier
 * ({@code train-features --kind shapes}, shipped as {@code models/shapes-features}) reads it, is the prompt's
 * combination: relation, each part's shape and colour (sizes are not judged). Runs without gradients in the calling
 * thread, so a training loop may call it between its steps.
 */
public final class RenderPromptAccuracy implements AutoCloseable {
    public static final String MODEL = "shapes-features";
    private final FeatureModel classifier;

    private RenderPromptAccuracy(FeatureModel classifier) {
        this.classifier = classifier;
    }

    /** Loads a shapes classifier folder (its {@code features.safetensors}). */
    public static RenderPromptAccuracy load(Path dir) {
        FeatureModel model = FeatureModel.load(dir);
        if (!model.info().kind().equals(SceneClassifier.KIND)) {
            String kind = model.info().kind();
            model.close();
            throw new IllegalArgumentException(dir + " is a " + kind + " feature network, not the shapes classifier"
                    + " (train-features --kind shapes)");
        }
        return new RenderPromptAccuracy(model);
    }

    /**
     * @param images (B, 3, 32, 32) in [−1, 1]
     * @param prompts B captions of the shapes world, e.g. "a red cone on a blue cube"
     * @return the fraction of images whose predicted combination is the prompt's
     */
    public double of(NDArray images, List<String> prompts) {
        long count = images.getShape().get(0);
        if (images.getShape().dimension() != 4 || images.getShape().get(1) != 3 || images.getShape().get(2) != MakeShapes.SIZE
                || images.getShape().get(3) != MakeShapes.SIZE) {
            throw new IllegalArgumentException("render prompt accuracy takes (B, 3, 32, 32) images, got " + images.getShape());
        }
        float[] matches = matches(images.toFloatArray(), (int) count, prompts);
        double sum = 0;
        for (float m : matches) {
            sum += m;
        }
        return sum / count;
    }

    /** Per image 1 where its predicted combination is its prompt's, else 0; {@code pixels} (count, 3, 32, 32). */
    public float[] matches(float[] pixels, int count, List<String> prompts) {
        if (prompts.size() != count) {
            throw new IllegalArgumentException(count + " images but " + prompts.size() + " prompts");
        }
        prompts.forEach(Captions::parse); // a caption outside the shapes world is refused with the word that did not fit
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return classifier.promptScores(pixels, count, prompts);
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    @Override
    public void close() {
        classifier.close();
    }
}
