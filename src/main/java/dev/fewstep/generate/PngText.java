package dev.fewstep.generate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * PNG {@code tEXt} chunks (PNG specification, section 11.3.4.3): a Latin-1 keyword, a zero byte and the text, in a
 * chunk with its length and CRC-32. The chunk goes right after the header chunk, where every reader finds it.
 */
public final class PngText {
    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

    private PngText() {}

    /** The PNG with one more {@code tEXt} chunk; non-Latin-1 characters become '?'. */
    public static byte[] with(byte[] png, String keyword, String text) {
        requirePng(png);
        int afterHeader = 8 + 12 + ByteBuffer.wrap(png, 8, 4).getInt(); // signature, then IHDR's length + type + data + CRC
        byte[] data = (keyword + '\0' + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + chunk.capacity());
        out.write(png, 0, afterHeader);
        out.writeBytes(chunk.array());
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    /** The text of the first {@code tEXt} chunk with this keyword, if any. */
    public static Optional<String> read(byte[] png, String keyword) {
        requirePng(png);
        int at = 8;
        while (at + 12 <= png.length) {
            int length = ByteBuffer.wrap(png, at, 4).getInt();
            if (length < 0 || at + 12L + length > png.length) {
                throw new IllegalArgumentException("the PNG is truncated or corrupt at byte " + at);
            }
            String type = new String(png, at + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("tEXt")) {
                String chunk = new String(png, at + 8, length, StandardCharsets.ISO_8859_1);
                int zero = chunk.indexOf('\0');
                if (zero >= 0 && chunk.substring(0, zero).equals(keyword)) {
                    return Optional.of(chunk.substring(zero + 1));
                }
            }
            if (type.equals("IEND")) {
                break;
            }
            at += 12 + length;
        }
        return Optional.empty();
    }

    private static void requirePng(byte[] bytes) {
        if (bytes.length < 33 || !java.util.Arrays.equals(bytes, 0, 8, SIGNATURE, 0, 8)) {
            throw new IllegalArgumentException("not a PNG file");
        }
    }
}
