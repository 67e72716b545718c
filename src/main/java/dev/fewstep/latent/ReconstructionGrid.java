package dev.fewstep.latent;

import ai.djl.ndarray.NDManager;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.generate.Images;
import java.io.IOException;
import java.nio.file.Path;

/** A picture of an autoencoder's work: held-out originals in the left column of each pair, reconstructions right. */
public final class ReconstructionGrid {
    public static final String FILE = "reconstructions.png";
    static final int PAIRS = 32;
    static final int PAIRS_PER_ROW = 8;

    private ReconstructionGrid() {}

    /** The first {@value #PAIRS} images of {@code data} (or all, if fewer) beside their reconstructions. */
    public static void write(Autoencoder autoencoder, ImageDataset data, Path file) throws IOException {
        int count = Math.min(PAIRS, data.count());
        int length = data.imageLength();
        float[] originals = new float[count * length];
        System.arraycopy(data.pixels(), 0, originals, 0, originals.length);
        ImageDataset first = new ImageDataset(data.name(), data.channels(), data.size(), originals,
                java.util.Arrays.copyOf(data.promptIndex(), count), data.prompts());
        float[] reconstructions;
        try (NDManager manager = NDManager.newBaseManager()) {
            reconstructions = Reconstruction.of(autoencoder, first, manager);
        }
        float[] pairs = new float[2 * count * length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(originals, i * length, pairs, 2 * i * length, length);
            System.arraycopy(reconstructions, i * length, pairs, (2 * i + 1) * length, length);
        }
        Images.writePng(Images.grid(pairs, 2 * count, data.channels(), data.size(), 2 * PAIRS_PER_ROW), file);
    }
}
