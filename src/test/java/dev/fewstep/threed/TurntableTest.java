package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class TurntableTest {
    @Test
    void theGifHas24FramesGoingRoundAndLoopsForever() throws Exception {
        Scene.Field field = Captions.parse("a red cone next to a blue cube").field();
        SdfRenderer renderer = new SdfRenderer(32, 1);
        byte[] gif = Turntable.gif(camera -> renderer.render(field, camera).image());
        ImageReader reader = ImageIO.getImageReadersBySuffix("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(Turntable.FRAMES);
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
            assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
            assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
            BufferedImage first = reader.read(0);
            BufferedImage quarter = reader.read(6);
            assertThat(first.getWidth()).isEqualTo(32);
            assertThat(differingPixels(first, quarter)).isGreaterThan(20); // the view turned
            assertThat(differingPixels(first, reader.read(0))).isZero();
        } finally {
            reader.dispose();
        }
        assertThat(Turntable.camera(6).azimuthDegrees()).isEqualTo(90.0);
    }

    private static int differingPixels(BufferedImage a, BufferedImage b) {
        int count = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                count += a.getRGB(x, y) != b.getRGB(x, y) ? 1 : 0;
            }
        }
        return count;
    }
}
