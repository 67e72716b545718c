package dev.fewstep.threed;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Makes the shapes dataset: {@code scenes} random scenes of one split, each rendered from {@code views} random
 * cameras (azimuth uniform in [0°, 360°), elevation uniform in [−10°, 40°]) at 32 × 32 with 2 × 2 rays per pixel.
 * One seed fixes every scene and camera.
 */
public final class MakeShapes {
    public static final int SIZE = 32;
    /** 500 000 images of 3 × 32 × 32 bytes: 1.5 GB, within one Java array. */
    static final int MAX_IMAGES = 500_000;
    /** A grid of the first scenes' views beside the dataset, to look at. */
    public static final String PREVIEW = "preview.png";
    private static final int SAMPLES_PER_SIDE = 2;

    private MakeShapes() {}

    /** @return the captions of the scenes written */
    public static List<String> make(Path dir, int scenes, int views, long seed, SceneSampler.Split split) throws IOException {
        Rendered rendered = render(scenes, views, seed, split);
        ShapesDataset.write(dir, SIZE, rendered.rgb(), rendered.cameras(), rendered.captions(), views,
                split == SceneSampler.Split.TRAIN ? "train" : "held-out", seed);
        ImageIO.write(preview(rendered.rgb(), scenes, views), "png", dir.resolve(PREVIEW).toFile());
        return rendered.captions();
    }

    /** Renders as {@code views} RGB bytes (N, 3, 32, 32) per scene, the scenes' captions and every image's camera. */
    public record Rendered(byte[] rgb, List<Camera> cameras, List<String> captions) {
        /** Image i in [−1, 1], as datasets hold it. */
        public float[] signed() {
            float[] out = new float[rgb.length];
            for (int k = 0; k < rgb.length; k++) {
                out[k] = (rgb[k] & 0xff) / 127.5f - 1f;
            }
            return out;
        }
    }

    /** What {@link #make} writes, in memory: the same seed gives the same scenes, cameras and pixels. */
    public static Rendered render(int scenes, int views, long seed, SceneSampler.Split split) {
        if (scenes < 1 || views < 1 || (long) scenes * views > MAX_IMAGES) {
            throw new IllegalArgumentException("--scenes and --views must be at least 1, with at most " + MAX_IMAGES
                    + " images in all (one file, held in memory while it is written)");
        }
        Random random = new Random(seed);
        SceneSampler sampler = new SceneSampler(split);
        SdfRenderer renderer = new SdfRenderer(SIZE, SAMPLES_PER_SIDE);
        int length = 3 * SIZE * SIZE;
        byte[] rgb = new byte[scenes * views * length];
        List<Camera> cameras = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int s = 0; s < scenes; s++) {
            Scene scene = sampler.sample(random);
            captions.add(scene.caption());
            Scene.Field field = scene.field();
            for (int v = 0; v < views; v++) {
                Camera camera = Camera.random(random);
                cameras.add(camera);
                float[] picture = renderer.render(field, camera).rgb();
                for (int k = 0; k < length; k++) {
                    rgb[(s * views + v) * length + k] = (byte) Picture.byteOf(picture[k]);
                }
            }
        }
        return new Rendered(rgb, cameras, captions);
    }

    /** Up to 8 scenes (rows) by up to 8 of their views (columns). */
    static BufferedImage preview(byte[] rgb, int scenes, int views) {
        int rows = Math.min(8, scenes);
        int cols = Math.min(8, views);
        BufferedImage image = new BufferedImage(cols * SIZE, rows * SIZE, BufferedImage.TYPE_INT_RGB);
        int plane = SIZE * SIZE;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int offset = (r * views + c) * 3 * plane;
                for (int i = 0; i < plane; i++) {
                    int argb = (rgb[offset + i] & 0xff) << 16 | (rgb[offset + plane + i] & 0xff) << 8
                            | rgb[offset + 2 * plane + i] & 0xff;
                    image.setRGB(c * SIZE + i % SIZE, r * SIZE + i / SIZE, argb);
                }
            }
        }
        return image;
    }

}
