package dev.fewstep.pin;

import dev.fewstep.generate.Budget;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The shipped models' pinned images as 8-bit pixels (what a PNG holds), stored as grey PNGs under
 * src/test/resources/pin: the planes of the four images stacked vertically, 32 pixels wide. Written once with the
 * code of commit e866cea, before the speed work of issue 28 (docs/lab/speed.md):
 * {@code java -Dai.djl.pytorch.num_threads=1 -cp CLASSES_OF_E866CEA:target/test-classes:target/lib/* dev.fewstep.pin.ReferencePixels src/test/resources/pin}.
 */
public final class ReferencePixels {
    /** A generation whose images are pinned: four images of one prompt from seed 0 at guidance 2. */
    public record Case(String model, String prompt, String sampler, int steps, int nfe) {
        public String file() {
            return model + "-" + prompt.replace(' ', '_') + "-" + sampler + steps + ".png";
        }

        public Generation.Result generate(Path models) {
            try (DiffusionModel loaded = DiffusionModel.load(models.resolve(model))) {
                return Generation.generate(loaded, List.of(prompt, prompt, prompt, prompt), 0, new Budget(sampler, steps, 2.0),
                        evaluation -> {});
            }
        }
    }

    public static final List<Case> CASES = List.of(
            new Case("fashion-teacher", "Sneaker", "dpmpp2m", 4, 4),
            new Case("fashion-teacher", "Ankle boot", "heun", 2, 3),
            new Case("fashion-sid", "Sneaker", "heun", 18, 1),
            new Case("fashion-sida", "Bag", "heun", 18, 1),
            new Case("emoji-teacher", "red heart", "dpmpp2m", 3, 3),
            new Case("emoji-sid", "red heart", "heun", 18, 1));

    private static final int WIDTH = 32;

    private ReferencePixels() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (Case c : CASES) {
            byte[] bytes = bytes(c.generate(Path.of("models")).pixels());
            BufferedImage image = new BufferedImage(WIDTH, bytes.length / WIDTH, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setDataElements(0, 0, WIDTH, bytes.length / WIDTH, bytes);
            ImageIO.write(image, "png", out.resolve(c.file()).toFile());
            System.out.println("wrote " + out.resolve(c.file()));
        }
    }

    /** Pixels in [-1, 1] to bytes as a PNG stores them. */
    public static byte[] bytes(float[] pixels) {
        byte[] bytes = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            bytes[i] = (byte) Math.round(Math.max(0f, Math.min(1f, (pixels[i] + 1f) / 2f)) * 255f);
        }
        return bytes;
    }

    /** The committed reference of a case, as unsigned levels 0..255. */
    public static int[] reference(Case c) {
        try (InputStream in = ReferencePixels.class.getResourceAsStream("/pin/" + c.file())) {
            if (in == null) {
                throw new IllegalStateException("no reference pixels for " + c.file());
            }
            BufferedImage image = ImageIO.read(in);
            return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
