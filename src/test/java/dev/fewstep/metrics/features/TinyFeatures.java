package dev.fewstep.metrics.features;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.testing.TinyModels;
import dev.fewstep.train.loop.LoopListener;
import java.nio.file.Path;

/** Tiny feature networks for tests, trained in a second on the {@link TinyModels} fixture patterns. */
public final class TinyFeatures {
    public static final EncoderConfig CLASSIFIER = new EncoderConfig(1, 32, new int[] {8, 16}, 16, 4);

    private TinyFeatures() {}

    /** A classifier of the three fixture patterns, saved in {@code dir}. */
    public static FeatureInfo classifier(Path dir) throws Exception {
        FeatureTrainConfig config = new FeatureTrainConfig("fashion", 40, 16, 3e-3, 5, 7, 20);
        ImageDataset train = TinyModels.data(90, 1, 1);
        ImageDataset test = TinyModels.data(30, 1, 2);
        return new ClassifierTrainer(config, CLASSIFIER, train, test, dir).train(dev.fewstep.train.loop.TrainingLoop.Start.FRESH, LoopListener.NONE);
    }
}
