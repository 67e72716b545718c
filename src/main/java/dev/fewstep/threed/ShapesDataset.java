package dev.fewstep.threed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.data.DatasetException;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.StoredTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The shapes dataset in one file, {@code DIR/shapes.safetensors}: {@code images} U8 (N, 3, 32, 32) RGB,
 * {@code cameras} F32 (N, 2) azimuth and elevation in degrees, and in the metadata the captions of the scenes as a JSON
 * list; image i shows scene i / views. The images come back as an {@link ImageDataset} in [−1, 1] whose prompts are
 * the captions, with the cameras beside them.
 *
 * @param images what the training loop reads
 * @param cameras the camera of each image
 * @param scenes each scene's caption, {@code views} images in a row per scene
 * @param split "train" or "held-out"
 */
public record ShapesDataset(ImageDataset images, List<Camera> cameras, List<String> scenes, int views, String split) {
    public static final String FILE = "shapes.safetensors";
    public static final String FORMAT = "fewstep-shapes/1";
    public static final String INSTALL_HINT = "make it with: ./fewstep data make shapes --out DIR (and pass --data-dir DIR)";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The camera of image i as (sin a, cos a, sin e, cos e), the teacher's extra conditioning. */
    public float[] cameraEmbedding(int i) {
        return cameras.get(i).embedding();
    }

    public Scene scene(int i) {
        return Captions.parse(scenes.get(i / views));
    }

    /** Every image's camera as (sin a, cos a, sin e, cos e), image i at [4 i, 4 i + 4). */
    public float[] cameraEmbeddings() {
        float[] out = new float[cameras.size() * Camera.EMBEDDING_SIZE];
        for (int i = 0; i < cameras.size(); i++) {
            System.arraycopy(cameraEmbedding(i), 0, out, i * Camera.EMBEDDING_SIZE, Camera.EMBEDDING_SIZE);
        }
        return out;
    }

    /**
     * This dataset when no scene of it is a held-out combination ({@link HeldOut}), which a teacher must never see.
     *
     * @throws DatasetException naming the split or the first held-out scene
     */
    public ShapesDataset trainingOnly() {
        if (!split.equals("train")) {
            throw new DatasetException("this shapes file is the " + split + " split, kept for evaluation; train on one"
                    + " made with --split train");
        }
        for (String caption : scenes) {
            if (HeldOut.contains(Captions.parse(caption))) {
                throw new DatasetException("this shapes file holds \"" + caption + "\", a held-out combination;"
                        + " train on a file made by data make shapes --split train");
            }
        }
        return this;
    }

    /** Writes the file atomically; pixels are RGB bytes, (N, 3, size, size). */
    public static void write(Path dir, int size, byte[] rgb, List<Camera> cameras, List<String> scenes, int views,
            String split, long seed) throws IOException {
        int n = cameras.size();
        float[] angles = new float[2 * n];
        for (int i = 0; i < n; i++) {
            angles[2 * i] = (float) cameras.get(i).azimuthDegrees();
            angles[2 * i + 1] = (float) cameras.get(i).elevationDegrees();
        }
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        tensors.put("images", StoredTensor.uint8(new long[] {n, 3, size, size}, rgb));
        tensors.put("cameras", StoredTensor.of(new dev.fewstep.io.Tensor(new long[] {n, 2}, angles)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("captions", JSON.writeValueAsString(scenes));
        metadata.put("views", String.valueOf(views));
        metadata.put("split", split);
        metadata.put("seed", String.valueOf(seed));
        Files.createDirectories(dir);
        SafeTensors.writeStored(dir.resolve(FILE), tensors, metadata);
    }

    public static ShapesDataset load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("shapes dataset not found: no " + FILE + " in " + dir + "; " + INSTALL_HINT);
        }
        SafeTensors.Stored stored;
        try {
            stored = SafeTensors.readStored(file);
        } catch (CheckpointException e) {
            throw new DatasetException(e.getMessage() + "; " + INSTALL_HINT, e);
        }
        if (!FORMAT.equals(stored.metadata().get("format"))) {
            throw new DatasetException(file + " is not a " + FORMAT + " file; " + INSTALL_HINT);
        }
        StoredTensor images = stored.tensors().get("images");
        StoredTensor angles = stored.tensors().get("cameras");
        List<String> scenes;
        int views;
        try {
            scenes = JSON.readValue(stored.metadata().get("captions"), new TypeReference<List<String>>() {});
            views = Integer.parseInt(stored.metadata().get("views"));
        } catch (JsonProcessingException | NumberFormatException | NullPointerException e) {
            throw new DatasetException(file + ": unreadable captions or views; " + INSTALL_HINT, e);
        }
        if (images == null || angles == null || !images.dtype().equals("U8") || images.shape().length != 4
                || images.shape()[1] != 3 || images.shape()[2] != images.shape()[3] || angles.shape()[0] != images.shape()[0]
                || views < 1 || images.shape()[0] != (long) scenes.size() * views) {
            throw new DatasetException(file + ": expected U8 images (N, 3, S, S), F32 cameras (N, 2) and N = scenes × views; "
                    + INSTALL_HINT);
        }
        int n = (int) images.shape()[0];
        int size = (int) images.shape()[2];
        byte[] bytes = images.bytes();
        float[] pixels = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            pixels[i] = (bytes[i] & 0xff) / 127.5f - 1f;
        }
        float[] a = angles.floats().data();
        List<Camera> cameras = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            cameras.add(new Camera(a[2 * i], a[2 * i + 1]));
        }
        List<String> vocabulary = new ArrayList<>(new TreeSet<>(scenes));
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            index.put(vocabulary.get(i), i);
        }
        int[] promptIndex = new int[n];
        for (int i = 0; i < n; i++) {
            promptIndex[i] = index.get(scenes.get(i / views));
        }
        ImageDataset data = new ImageDataset("shapes", 3, size, pixels, promptIndex, List.copyOf(vocabulary));
        return new ShapesDataset(data, List.copyOf(cameras), List.copyOf(scenes), views,
                stored.metadata().getOrDefault("split", "train"));
    }
}
