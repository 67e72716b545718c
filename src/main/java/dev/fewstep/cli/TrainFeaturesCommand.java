package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.FashionMnist;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.metrics.Evaluator;
import dev.fewstep.metrics.ReferenceSet;
import dev.fewstep.metrics.features.ClassifierTrainer;
import dev.fewstep.metrics.features.ClipTrainer;
import dev.fewstep.metrics.features.FeatureInfo;
import dev.fewstep.metrics.features.FeatureModel;
import dev.fewstep.metrics.features.FeatureTrainConfig;
import dev.fewstep.metrics.features.FeatureTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-features", description = "Train the feature network that eval measures with: "
        + "the Fashion-MNIST classifier or the emoji image-text encoder.")
final class TrainFeaturesCommand implements Callable<Integer> {
    /** Per kind: steps, batch, peak learning rate, warm-up steps. Fashion: 940 x 128 is two epochs. */
    private static final FeatureTrainConfig FASHION = new FeatureTrainConfig("fashion", 940, 128, 2e-3, 50, 1, 200);
    private static final FeatureTrainConfig EMOJI_CLIP = new FeatureTrainConfig("emoji-clip", 1200, 128, 1e-3, 100, 1, 200);
    private static final FeatureTrainConfig SHAPES = new FeatureTrainConfig("shapes", 1500, 64, 2e-3, 50, 1, 100);

    /** Sample counts whose real-vs-real floors are printed after training. */
    private static final int[] REPORTED_FLOORS = {1000, 5000};

    @Option(names = "--kind", required = true, description = "fashion (classifier), emoji-clip (image-text encoder) or"
            + " shapes (the shapes world's scene classifier)")
    String kind;

    @Mixin
    RunOptions run;

    @Option(names = "--steps", description = "optimizer steps (default: 940 for fashion, 1200 for emoji-clip, 1500 for shapes)")
    Integer steps;

    @Option(names = "--batch", description = "images per step (default: 128)")
    Integer batch;

    @Option(names = "--lr", description = "peak learning rate (default: 2e-3 for fashion, 1e-3 for emoji-clip)")
    Double learningRate;

    @Option(names = "--data-dir", description = "read the dataset from this folder instead of the installed one")
    Path dataDir;

    @Option(names = "--size", description = "emoji-clip only: the images' side, 32 or 64 (default: 32); a 64x64 network"
            + " measures 64x64 models (eval picks NAME-64 beside NAME for them)")
    Integer size;

    @Override
    public Integer call() throws Exception {
        FeatureTrainer trainer;
        String what;
        if (size != null && !kind.equalsIgnoreCase("emoji-clip")) {
            throw new IllegalArgumentException("--size is read by --kind emoji-clip only");
        }
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "fashion" -> {
                FeatureTrainConfig config = configure(FASHION);
                ImageDataset train = FashionMnist.train(dataDir);
                ImageDataset test = FashionMnist.test(dataDir);
                trainer = new ClassifierTrainer(config, ClassifierTrainer.fashionEncoder(train.channels(), train.size()),
                        train, test, run.out);
                what = String.format("classifier on %d Fashion-MNIST training images (test: %d)", train.count(), test.count());
            }
            case "emoji-clip" -> {
                FeatureTrainConfig config = configure(EMOJI_CLIP);
                ImageDataset emoji = size == null ? DataStore.train("emoji", dataDir) : DataStore.train("emoji", dataDir, size);
                trainer = new ClipTrainer(config, ClipTrainer.emojiEncoder(emoji.channels(), emoji.size()),
                        ClipTrainer.EMOJI_EMBEDDING_DIM, emoji, run.out);
                what = String.format("image-text encoder on %d emoji images of %d names", emoji.count(), emoji.prompts().size());
            }
            case "shapes" -> {
                FeatureTrainConfig config = configure(SHAPES);
                dev.fewstep.threed.ShapesDataset shapes = DataStore.shapes(dataDir);
                trainer = new dev.fewstep.threed.SceneClassifierTrainer(config, shapes, run.out);
                what = String.format("scene classifier on %d shapes renders of %d scenes", shapes.images().count(),
                        shapes.scenes().size());
            }
            default -> throw new IllegalArgumentException("unknown --kind '" + kind + "' (choose fashion, emoji-clip or shapes)");
        }
        System.out.printf("training %s into %s%n", what, run.out);
        long start = System.nanoTime();
        FeatureInfo trained;
        try (Progress progress = new Progress("train-features")) {
            trained = trainer.train(run.start(), progress);
        }
        System.out.printf("done in %.1f s this run; wrote %s%n", (System.nanoTime() - start) / 1e9,
                run.out.resolve(FeatureModel.WEIGHTS));
        new java.util.TreeMap<>(trained.extra()).forEach((k, v) -> System.out.printf("  %s: %s%n", k, v));
        if (dataDir == null && !kind.equalsIgnoreCase("shapes")) { // the shapes classifier measures prompts only
            describeReference();
        }
        return 0;
    }

    /** Caches the real-data features that eval measures against, and prints the floors they give. */
    private void describeReference() throws java.io.IOException {
        try (FeatureModel features = FeatureModel.load(run.out)) {
            Evaluator evaluator = EvalCommand.evaluator(features, run.out);
            ReferenceSet reference = evaluator.reference();
            System.out.printf(Locale.ROOT, "reference: %s; %s on real reference images: %.4f%n", reference.description(),
                    features.scoreName(), reference.referenceScore());
            for (int n : REPORTED_FLOORS) {
                if (n <= reference.referenceCount()) {
                    Evaluator.Floor floor = evaluator.floor(n);
                    System.out.printf(Locale.ROOT, "  n = %d: FID floor %.3f (%d real images), precision %.3f, recall %.3f%n",
                            n, floor.fid(), floor.count(), floor.precision(), floor.recall());
                }
            }
        }
    }

    private FeatureTrainConfig configure(FeatureTrainConfig defaults) {
        return new FeatureTrainConfig(defaults.kind(), steps == null ? defaults.steps() : steps,
                batch == null ? defaults.batch() : batch, learningRate == null ? defaults.learningRate() : learningRate,
                Math.min(defaults.warmupSteps(), steps == null ? defaults.steps() : steps), run.seed, run.checkpointEvery);
    }
}
