package dev.fewstep.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Emoji images with their names from the npm packages {@code emoji-datasource-twitter} and
 * {@code emoji-datasource-google} (a folder holding {@code emoji.json} and {@code img/SET/64/*.png}).
 * Each 64x64 RGBA image is composited on white and box-filtered to 32x32 (or kept at 64x64) RGB in [-1, 1]; the prompt is the
 * lower-cased name, e.g. "red apple". Both sets share the vocabulary, so a name has one image per set.
 */
public final class Emoji {
    public static final String VERSION = "16.0.0";
    public static final List<String> SETS = List.of("twitter", "google");
    public static final String INSTALL_HINT = "fetch it with: ./fewstep data fetch emoji (or pass --data-dir with emoji.json and img/SET/64/)";
    /** Kept next to every model trained from these images (the licences ask for attribution). */
    public static final String ATTRIBUTION = """
            # Attribution

            This model was trained on emoji images from the npm packages emoji-datasource-twitter@16.0.0 and
            emoji-datasource-google@16.0.0 (emoji-datasource, MIT licence, (c) 2013 Cal Henderson).

            - Twitter images: Twemoji (fork, https://github.com/jdecked/twemoji) v16.0.1, (c) Twitter, Inc. and
              other contributors, licensed under Creative Commons Attribution 4.0 (CC-BY 4.0).
            - Google images: Noto Emoji (https://github.com/googlefonts/noto-emoji) v2.048, (c) Google,
              licensed under the Apache License 2.0.
            """;
    public static final String ATTRIBUTION_FILE = "ATTRIBUTION.md";
    private static final int SOURCE_SIZE = 64;
    private static final int SIZE = 32;
    /** The sides a dataset can be loaded at: the box-filtered default and the sources' own. */
    public static final List<Integer> SIZES = List.of(SIZE, SOURCE_SIZE);

    private Emoji() {}

    /** Writes {@link #ATTRIBUTION} into a model folder {@code dir} when the model was trained on {@code dataset} emoji. */
    public static void attributeIfEmoji(String dataset, Path dir) throws IOException {
        if (dataset.equals("emoji")) {
            Files.writeString(dir.resolve(ATTRIBUTION_FILE), ATTRIBUTION);
        }
    }

    /** The package folders under the fetch cache, one per set that is present. */
    public static List<Path> packageDirs(Path root) {
        List<Path> dirs = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("emoji.json"))) {
            dirs.add(root);
            return dirs;
        }
        for (String set : SETS) {
            Path dir = root.resolve("emoji-datasource-" + set).resolve("package");
            if (Files.isRegularFile(dir.resolve("emoji.json"))) {
                dirs.add(dir);
            }
        }
        return dirs;
    }

    public static ImageDataset load(Path root) {
        return load(root, null);
    }

    /**
     * The images of one set ("twitter" or "google"; null: all), with the vocabulary of all sets, so a model trained on
     * both shares its prompts with either set.
     */
    public static ImageDataset load(Path root, String onlySet) {
        return load(root, onlySet, SIZE);
    }

    /** The images at {@code size} (32: box-filtered, 64: the sources' pixels composited on white). */
    public static ImageDataset load(Path root, String onlySet, int size) {
        if (!SIZES.contains(size)) {
            throw new DatasetException("emoji come at sizes " + SIZES + ", not " + size);
        }
        if (onlySet != null && !SETS.contains(onlySet)) {
            throw new DatasetException("unknown emoji set '" + onlySet + "' (choose one of: " + String.join(", ", SETS) + ")");
        }
        List<Path> dirs = packageDirs(root);
        if (dirs.isEmpty()) {
            throw new DatasetException("emoji data not found in " + root + "; " + INSTALL_HINT);
        }
        TreeMap<String, Integer> vocabulary = new TreeMap<>();
        List<String> names = new ArrayList<>();
        List<float[]> images = new ArrayList<>();
        List<String> imageSets = new ArrayList<>();
        for (Path dir : dirs) {
            readPackage(dir, names, images, imageSets, size);
        }
        names.forEach(n -> vocabulary.putIfAbsent(n, 0));
        if (onlySet != null) {
            for (int i = images.size() - 1; i >= 0; i--) {
                if (!imageSets.get(i).equals(onlySet)) {
                    names.remove(i);
                    images.remove(i);
                }
            }
            if (images.isEmpty()) {
                throw new DatasetException("no " + onlySet + " emoji images in " + root + "; " + INSTALL_HINT);
            }
        }
        List<String> prompts = new ArrayList<>(vocabulary.keySet());
        for (int i = 0; i < prompts.size(); i++) {
            vocabulary.put(prompts.get(i), i);
        }
        int length = 3 * size * size;
        float[] pixels = new float[images.size() * length];
        int[] promptIndex = new int[images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * length, length);
            promptIndex[i] = vocabulary.get(names.get(i));
        }
        return new ImageDataset("emoji", 3, size, pixels, promptIndex, List.copyOf(prompts));
    }

    private static void readPackage(Path dir, List<String> names, List<float[]> images, List<String> imageSets,
            int size) {
        JsonNode entries;
        try {
            entries = new ObjectMapper().readTree(dir.resolve("emoji.json").toFile());
        } catch (IOException e) {
            throw new DatasetException("corrupt " + dir.resolve("emoji.json") + " (" + e.getMessage() + "); " + INSTALL_HINT, e);
        }
        Path imageRoot = dir.resolve("img");
        List<Path> sets;
        try (Stream<Path> s = Files.list(imageRoot)) {
            sets = s.filter(p -> Files.isDirectory(p.resolve(String.valueOf(SOURCE_SIZE)))).toList();
        } catch (IOException e) {
            throw new DatasetException("no images in " + imageRoot + "; " + INSTALL_HINT, e);
        }
        for (Path set : sets) {
            String setName = set.getFileName().toString();
            for (JsonNode entry : entries) {
                if (!entry.path("has_img_" + setName).asBoolean(true) || entry.path("name").asText("").isEmpty()) {
                    continue;
                }
                Path png = set.resolve(String.valueOf(SOURCE_SIZE)).resolve(entry.path("image").asText());
                if (!Files.isRegularFile(png)) {
                    continue;
                }
                names.add(entry.path("name").asText().toLowerCase(Locale.ROOT));
                images.add(decode(png, size));
                imageSets.add(setName);
            }
        }
    }

    /** Reads a PNG, composites it on white and box-filters it to 32x32, channels first, in [-1, 1]. */
    public static float[] decode(Path png) {
        return decode(png, SIZE);
    }

    /** Reads a PNG, composites it on white and box-filters it to {@code size}, channels first, in [-1, 1]. */
    public static float[] decode(Path png, int size) {
        BufferedImage image;
        try {
            image = ImageIO.read(png.toFile());
        } catch (IOException e) {
            throw new DatasetException("corrupt image " + png + "; " + INSTALL_HINT, e);
        }
        if (image == null) {
            throw new DatasetException("not an image: " + png + "; " + INSTALL_HINT);
        }
        return toChannelsFirst(image, size);
    }

    /** Composites on white and averages each (w/size x h/size) block. */
    public static float[] toChannelsFirst(BufferedImage image, int size) {
        int blockW = image.getWidth() / size;
        int blockH = image.getHeight() / size;
        if (blockW < 1 || blockH < 1) {
            throw new DatasetException("image of " + image.getWidth() + "x" + image.getHeight() + " is smaller than " + size);
        }
        float[] out = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double[] sum = new double[3];
                for (int dy = 0; dy < blockH; dy++) {
                    for (int dx = 0; dx < blockW; dx++) {
                        int argb = image.getRGB(x * blockW + dx, y * blockH + dy);
                        double alpha = (argb >>> 24) / 255.0;
                        for (int c = 0; c < 3; c++) {
                            int value = (argb >> (16 - 8 * c)) & 0xff;
                            sum[c] += alpha * value + (1 - alpha) * 255;
                        }
                    }
                }
                for (int c = 0; c < 3; c++) {
                    double mean = sum[c] / (blockW * blockH);
                    out[c * size * size + y * size + x] = (float) (mean / 127.5 - 1);
                }
            }
        }
        return out;
    }
}
