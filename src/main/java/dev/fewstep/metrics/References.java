package dev.fewstep.metrics;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.FashionMnist;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.metrics.features.FeatureModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Which real images each dataset is measured against, and the on-disk cache of their features. */
public final class References {
    /** Seeds the order in which real images are picked; part of the protocol, so fixed. */
    public static final long SEED = 1;

    private References() {}

    /** The two disjoint real sets of a dataset, with what to call them in reports. */
    public record Split(ImageDataset reference, String description, ImageDataset floor, String floorDescription) {}

    /**
     * Fashion-MNIST: the 10 000 test images are the reference, a class-balanced subset of the training images
     * the floor. Emoji has no test split, so it is cut in two halves (see {@link #emojiHalves}).
     */
    public static Split split(String dataset) {
        return switch (DataStore.canonical(dataset)) {
            case "fashion-mnist" -> {
                ImageDataset test = FashionMnist.test(null);
                ImageDataset train = FashionMnist.train(null);
                yield new Split(test, "fashion-mnist test set (" + test.count() + " images)", train,
                        "fashion-mnist training images, class-balanced");
            }
            case "emoji" -> emojiHalves(DataStore.train("emoji", null));
            default -> throw new IllegalStateException();
        };
    }

    /** {@link #split(String)} with the images at side {@code size} (emoji: 32 or 64). */
    public static Split split(String dataset, int size) {
        return DataStore.canonical(dataset).equals("emoji") ? emojiHalves(DataStore.train("emoji", null, size))
                : split(dataset);
    }

    /**
     * Emoji in two disjoint halves with one image per name each: a name's first image (Twitter) goes to the
     * reference for even name indices and its second (Google) for odd ones, the other to the floor, so both
     * halves cover every name with both styles mixed. Further images of a name go to the floor; a name with
     * a single image has it in the reference only.
     */
    public static Split emojiHalves(ImageDataset all) {
        List<List<Integer>> byName = new ArrayList<>();
        for (int p = 0; p < all.prompts().size(); p++) {
            byName.add(new ArrayList<>());
        }
        for (int i = 0; i < all.count(); i++) {
            byName.get(all.promptIndex()[i]).add(i);
        }
        List<Integer> reference = new ArrayList<>();
        List<Integer> floor = new ArrayList<>();
        for (int p = 0; p < byName.size(); p++) {
            List<Integer> images = byName.get(p);
            if (images.isEmpty()) {
                continue;
            }
            int chosen = images.size() > 1 && p % 2 == 1 ? 1 : 0;
            for (int j = 0; j < images.size(); j++) {
                (j == chosen ? reference : floor).add(images.get(j));
            }
        }
        ImageDataset referenceSet = subset(all, reference);
        return new Split(referenceSet, "emoji, one image per name (" + referenceSet.count() + " images, Twitter and "
                + "Google styles alternating by name)", subset(all, floor), "emoji, the other image of each name");
    }

    /**
     * Emoji measured against one set's images (e.g. "google": every Noto image), for a model adapted to that style.
     * The other set's images of the same names are the second real sample: their FID against the reference is the
     * distance between the two styles, not a floor.
     */
    public static Split emojiSet(String set) {
        return emojiSet(set, dev.fewstep.data.Emoji.SIZES.get(0));
    }

    /** {@link #emojiSet(String)} with the images at side {@code size} (32 or 64). */
    public static Split emojiSet(String set, int size) {
        java.nio.file.Path root = DataStore.root().resolve("emoji");
        ImageDataset reference = dev.fewstep.data.Emoji.load(root, set, size);
        String other = dev.fewstep.data.Emoji.SETS.stream().filter(s -> !s.equals(set)).findFirst().orElseThrow();
        ImageDataset floor = dev.fewstep.data.Emoji.load(root, other, size);
        return new Split(reference, "emoji, the " + set + " set (" + reference.count() + " images)", floor,
                "emoji, the " + other + " set (the other style: its FID is the style gap, not a floor)");
    }

    /**
     * As {@link #loadOrBuild(FeatureModel, Path, Consumer)} against one emoji set's images ({@link #emojiSet}), cached
     * as {@code reference-stats-SET.safetensors}; a null set is the default reference.
     */
    public static ReferenceSet loadOrBuild(FeatureModel features, Path featureDir, String set, Consumer<String> log)
            throws IOException {
        if (set == null) {
            return loadOrBuild(features, featureDir, log);
        }
        if (!features.info().dataset().equals("emoji") || !dev.fewstep.data.Emoji.SETS.contains(set)) {
            throw new IllegalArgumentException("--reference-set chooses an emoji set (" + String.join(", ",
                    dev.fewstep.data.Emoji.SETS) + "); got '" + set + "' for " + features.info().dataset());
        }
        Path file = featureDir.resolve("reference-stats-" + set + ".safetensors");
        if (Files.isRegularFile(file)) {
            ReferenceSet cached = ReferenceSet.load(file);
            if (features.digest().equals(cached.featureDigest())) {
                return cached;
            }
        }
        log.accept("computing the features of the emoji " + set + " set for " + features.name() + " (cached in " + file + ")");
        Split split = emojiSet(set, features.info().config().imageSize());
        ReferenceSet built = ReferenceSet.build(features, split.reference(), split.description(), split.floor(),
                split.floorDescription(), SEED);
        built.save(file);
        return built;
    }

    static ImageDataset subset(ImageDataset data, List<Integer> rows) {
        int length = data.imageLength();
        float[] pixels = new float[rows.size() * length];
        int[] promptIndex = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            data.copyImage(rows.get(i), pixels, i * length);
            promptIndex[i] = data.promptIndex()[rows.get(i)];
        }
        return new ImageDataset(data.name(), data.channels(), data.size(), pixels, promptIndex, data.prompts());
    }

    /**
     * The cached reference of a feature network ({@value ReferenceSet#FILE} in its folder), rebuilt from the
     * dataset when missing or computed with other weights.
     */
    public static ReferenceSet loadOrBuild(FeatureModel features, Path featureDir, Consumer<String> log) throws IOException {
        Path file = featureDir.resolve(ReferenceSet.FILE);
        if (Files.isRegularFile(file)) {
            ReferenceSet cached = ReferenceSet.load(file);
            if (features.digest().equals(cached.featureDigest())) {
                return cached;
            }
            log.accept(file + " was computed with other weights of " + features.name() + "; recomputing");
        }
        log.accept("computing the real-data features of " + features.info().dataset() + " for " + features.name()
                + " (cached in " + file + ")");
        Split split = split(features.info().dataset(), features.info().config().imageSize());
        ReferenceSet built = ReferenceSet.build(features, split.reference(), split.description(), split.floor(),
                split.floorDescription(), SEED);
        built.save(file);
        return built;
    }
}
