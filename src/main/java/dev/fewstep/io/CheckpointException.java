package dev.fewstep.io;

/** A model file that cannot be used: missing, truncated, corrupt, or made for another network. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
