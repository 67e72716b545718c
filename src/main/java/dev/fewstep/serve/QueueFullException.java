package dev.fewstep.serve;

/** Every worker is busy and every waiting slot taken; the client should retry after {@link #retryAfterSeconds()}. */
public final class QueueFullException extends RuntimeException {
    private final int retryAfterSeconds;

    public QueueFullException(int retryAfterSeconds, String message) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
