package dev.fewstep.threed;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * A looping turntable GIF: {@code FRAMES} views at azimuths 0°, 15°, … and one elevation, written with javax.imageio's
 * GIF writer; the NETSCAPE2.0 application extension with loop count 0 makes viewers repeat it forever.
 */
public final class Turntable {
    public static final int FRAMES = 24;
    public static final double ELEVATION = 20;
    /** Frame delay in hundredths of a second: one turn in 2.4 s. */
    static final int DELAY = 10;
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private Turntable() {}

    /** The cameras of the frames. */
    public static Camera camera(int frame) {
        return new Camera(360.0 * frame / FRAMES, ELEVATION);
    }

    public static void write(Function<Camera, BufferedImage> render, Path path) throws IOException {
        OutputFiles.writeAtomically(path, gif(render));
    }

    public static byte[] gif(Function<Camera, BufferedImage> render) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersBySuffix("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int f = 0; f < FRAMES; f++) {
                BufferedImage frame = render.apply(camera(f));
                ImageWriteParam param = writer.getDefaultWriteParam();
                IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                loop(metadata);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static void loop(IIOMetadata metadata) throws IOException {
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", String.valueOf(DELAY));
        control.setAttribute("transparentColorIndex", "0");
        IIOMetadataNode extension = new IIOMetadataNode("ApplicationExtension");
        extension.setAttribute("applicationID", "NETSCAPE");
        extension.setAttribute("authenticationCode", "2.0");
        extension.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 = forever
        child(root, "ApplicationExtensions").appendChild(extension);
        metadata.setFromTree(FORMAT, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
