package dev.fewstep.train;

/**
 * Training or distillation stopped because its updates kept having non-finite losses or gradients. The message says
 * where it stopped and what to do; the last checkpoint on disk is untouched and can be resumed.
 */
public final class DivergedException extends RuntimeException {
    public DivergedException(String message) {
        super(message);
    }
}
