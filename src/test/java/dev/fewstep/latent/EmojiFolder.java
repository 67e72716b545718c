package dev.fewstep.latent;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** An emoji package folder with two 64x64 images, for commands that read emoji. */
final class EmojiFolder {
    private EmojiFolder() {}

    static Path write(Path root) throws IOException {
        Path images = Files.createDirectories(root.resolve("img/twitter/64"));
        for (String name : new String[] {"a", "b"}) {
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    image.setRGB(x, y, name.equals("a") ? 0xffff0000 : (x < 32 ? 0xff00ff00 : 0x00000000));
                }
            }
            ImageIO.write(image, "png", images.resolve(name + ".png").toFile());
        }
        Files.writeString(root.resolve("emoji.json"), """
                [{"name":"RED SQUARE","image":"a.png"},{"name":"half green","image":"b.png"}]""");
        return root;
    }
}
