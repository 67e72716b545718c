package dev.fewstep.threed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fewstep.metrics.features.FeatureInfo;
import dev.fewstep.metrics.features.FeatureNetwork;
import dev.fewstep.metrics.features.FeatureTrainConfig;
import dev.fewstep.metrics.features.FeatureTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains the {@link SceneClassifier} on the renders of a shapes training file, then measures it on renders it never
 * saw: new scenes of the held-out combinations and new scenes of training combinations, drawn and rendered here
 * from fixed seeds (so the numbers do not depend on which evaluation file one has).
 */
public final class SceneClassifierTrainer extends FeatureTrainer {
    /** Scenes and views of each evaluation set: 1000 renders. */
    static final int EVAL_SCENES = 500;
    static final int EVAL_VIEWS = 2;
    static final long HELD_OUT_SEED = 31_001;
    static final long TRAIN_SEED = 31_002;
    private static final int BATCH = 250;

    private final ShapesDataset train;
    private final int[] labels;

    public SceneClassifierTrainer(FeatureTrainConfig config, ShapesDataset train, Path outDir) {
        super(config, outDir);
        this.train = train.trainingOnly();
        int n = train.images().count();
        int heads = SceneLabels.HEADS.length;
        labels = new int[n * heads];
        List<int[]> perScene = train.scenes().stream().map(c -> SceneLabels.of(Captions.parse(c)).toArray()).toList();
        for (int i = 0; i < n; i++) {
            System.arraycopy(perScene.get(i / train.views()), 0, labels, i * heads, heads);
        }
    }

    @Override
    protected FeatureInfo info() {
        return new FeatureInfo(SceneClassifier.KIND, "shapes", SceneClassifier.encoder(), List.of(), 0, Map.of());
    }

    /** A batch drawn uniformly with replacement from the training renders. */
    @Override
    protected NDArray batchLoss(FeatureNetwork network, NDManager scope, Random random) {
        int batch = config.batch();
        int heads = SceneLabels.HEADS.length;
        int length = train.images().imageLength();
        float[] images = new float[batch * length];
        long[] targets = new long[batch * heads];
        for (int b = 0; b < batch; b++) {
            int i = random.nextInt(train.images().count());
            train.images().copyImage(i, images, b * length);
            for (int h = 0; h < heads; h++) {
                targets[b * heads + h] = labels[i * heads + h];
            }
        }
        NDArray x = scope.create(images, new Shape(batch, 3, MakeShapes.SIZE, MakeShapes.SIZE));
        return ((SceneClassifier) network).loss(x, scope.create(targets, new Shape(batch, heads)));
    }

    @Override
    protected Map<String, String> evaluate(FeatureNetwork network) {
        Map<String, String> measured = new LinkedHashMap<>();
        measure((SceneClassifier) network, MakeShapes.render(EVAL_SCENES, EVAL_VIEWS, HELD_OUT_SEED,
                SceneSampler.Split.HELD_OUT), "held_out", measured);
        measure((SceneClassifier) network, MakeShapes.render(EVAL_SCENES, EVAL_VIEWS, TRAIN_SEED,
                SceneSampler.Split.TRAIN), "train_combinations", measured);
        return measured;
    }

    /** The scene accuracy and each head's accuracy on a set of renders, as metadata entries "PREFIX_…". */
    private static void measure(SceneClassifier network, MakeShapes.Rendered rendered, String prefix,
            Map<String, String> out) {
        float[] pixels = rendered.signed();
        int count = rendered.cameras().size();
        int views = count / rendered.captions().size();
        List<Scene> scenes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            scenes.add(Captions.parse(rendered.captions().get(i / views)));
        }
        int heads = SceneLabels.HEADS.length;
        int[] correct = new int[heads];
        int whole = 0;
        int length = 3 * MakeShapes.SIZE * MakeShapes.SIZE;
        NDManager parent = network.getParameters().valueAt(0).getArray().getManager();
        for (int first = 0; first < count; first += BATCH) {
            int size = Math.min(BATCH, count - first);
            float[] batch = new float[size * length];
            System.arraycopy(pixels, first * length, batch, 0, batch.length);
            try (NDManager scope = parent.newSubManager()) {
                long[] predicted = network.predict(scope.create(batch, new Shape(size, 3, MakeShapes.SIZE, MakeShapes.SIZE)))
                        .toLongArray();
                for (int i = 0; i < size; i++) {
                    int[] truth = SceneLabels.of(scenes.get(first + i)).toArray();
                    boolean all = true;
                    for (int h = 0; h < heads; h++) {
                        boolean right = predicted[i * heads + h] == truth[h];
                        correct[h] += right ? 1 : 0;
                        all &= right;
                    }
                    whole += all ? 1 : 0;
                }
            }
        }
        String[] names = {"relation", "first_shape", "first_colour", "second_shape", "second_colour"};
        out.put(prefix + "_accuracy", String.format("%.4f", (double) whole / count));
        for (int h = 0; h < heads; h++) {
            out.put(prefix + "_" + names[h] + "_accuracy", String.format("%.4f", (double) correct[h] / count));
        }
        out.put(prefix + "_images", Integer.toString(count));
    }
}
