package dev.fewstep.data;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao et al. 2017) from IDX files, as Debian's {@code dataset-fashion-mnist} installs them or
 * from any folder holding the same files (optionally gzipped). Images are padded from 28x28 to 32x32 and
 * scaled to [-1, 1]; the class names are the prompts.
 */
public final class FashionMnist {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final String INSTALL_HINT =
            "install it with: sudo apt-get install dataset-fashion-mnist (or pass --data-dir with the IDX files)";
    private static final int IDX_IMAGES = 0x00000803;
    private static final int IDX_LABELS = 0x00000801;
    private static final int SIZE = 32;
    private static final int PAD = 2;

    private FashionMnist() {}

    public static ImageDataset train(Path dir) {
        return load(dir, "train");
    }

    public static ImageDataset test(Path dir) {
        return load(dir, "t10k");
    }

    /** @param split "train" (60 000 images) or "t10k" (10 000) */
    public static ImageDataset load(Path dir, String split) {
        Path directory = dir == null ? DEBIAN_DIR : dir;
        byte[] images = readIdx(directory, split + "-images-idx3-ubyte");
        byte[] labels = readIdx(directory, split + "-labels-idx1-ubyte");
        return parse(images, labels, split);
    }

    /** Decodes IDX image and label files (LeCun's format: big-endian magic, counts, then unsigned bytes). */
    public static ImageDataset parse(byte[] imageFile, byte[] labelFile, String source) {
        try (DataInputStream images = new DataInputStream(new java.io.ByteArrayInputStream(imageFile));
                DataInputStream labels = new DataInputStream(new java.io.ByteArrayInputStream(labelFile))) {
            if (images.readInt() != IDX_IMAGES || labels.readInt() != IDX_LABELS) {
                throw new DatasetException("Fashion-MNIST " + source + " files are not IDX image/label files; " + INSTALL_HINT);
            }
            int count = images.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            int labelCount = labels.readInt();
            if (count != labelCount || rows != 28 || cols != 28 || count <= 0) {
                throw new DatasetException("Fashion-MNIST " + source + ": expected matching counts of 28x28 images, got "
                        + count + " images of " + rows + "x" + cols + " and " + labelCount + " labels; " + INSTALL_HINT);
            }
            if (imageFile.length < 16L + (long) count * rows * cols || labelFile.length < 8L + count) {
                throw new DatasetException("Fashion-MNIST " + source + " files are truncated; " + INSTALL_HINT);
            }
            float[] pixels = new float[count * SIZE * SIZE];
            java.util.Arrays.fill(pixels, -1f);
            int[] promptIndex = new int[count];
            for (int n = 0; n < count; n++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int value = images.readUnsignedByte();
                        pixels[n * SIZE * SIZE + (r + PAD) * SIZE + c + PAD] = value / 127.5f - 1f;
                    }
                }
                int label = labels.readUnsignedByte();
                if (label >= CLASSES.size()) {
                    throw new DatasetException("Fashion-MNIST " + source + ": label " + label + " out of range; " + INSTALL_HINT);
                }
                promptIndex[n] = label;
            }
            return new ImageDataset("fashion-mnist", 1, SIZE, pixels, promptIndex, CLASSES);
        } catch (IOException e) {
            throw new DatasetException("Fashion-MNIST " + source + " files are truncated or corrupt; " + INSTALL_HINT, e);
        }
    }

    private static byte[] readIdx(Path dir, String base) {
        Path plain = dir.resolve(base);
        Path gz = dir.resolve(base + ".gz");
        try {
            if (Files.isRegularFile(plain)) {
                return Files.readAllBytes(plain);
            }
            if (Files.isRegularFile(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    in.transferTo(out);
                    return out.toByteArray();
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + gz + " (" + e.getMessage() + "); " + INSTALL_HINT, e);
        }
        throw new DatasetException("Fashion-MNIST not found: no " + base + "[.gz] in " + dir + "; " + INSTALL_HINT);
    }
}
