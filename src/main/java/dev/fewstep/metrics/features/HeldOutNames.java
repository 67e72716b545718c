package dev.fewstep.metrics.features;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The emoji names kept out of CLIP training, to measure retrieval on names the encoder never saw: a name is
 * held out when the first four bytes of SHA-256(name, UTF-8), read as a big-endian unsigned number, are
 * divisible by {@link #MODULUS}. The rule is per name, so the Twitter and Google images of a name land on the
 * same side, and anyone can recompute it.
 */
public final class HeldOutNames {
    /** One name in ten is held out. */
    public static final int MODULUS = 10;

    private HeldOutNames() {}

    public static boolean isHeldOut(String name) {
        return hash(name) % MODULUS == 0;
    }

    /** The first four bytes of SHA-256(name) as an unsigned number. */
    public static long hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8) | (digest[3] & 0xffL);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
