package dev.fewstep.generate;

/** A model produced NaN or infinite pixels: a broken model or a setting it cannot take, never a black image. */
public final class NonFiniteImagesException extends RuntimeException {
    public NonFiniteImagesException(String message) {
        super(message);
    }
}
