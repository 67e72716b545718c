package dev.fewstep.serve;

/** A generation that ended without images because it was stopped, not because it failed. */
public final class JobStoppedException extends RuntimeException {
    /** Why a job was stopped. */
    public enum Reason {
        /** The client went away; nobody would read the images. */
        CLIENT_GONE,
        /** The request ran past the server's per-request time limit. */
        TIME_LIMIT,
        /** The server is shutting down. */
        SHUTDOWN
    }

    private final Reason reason;

    public JobStoppedException(Reason reason, String message) {
        // No stack trace: this is control flow, thrown once per network evaluation check at most.
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
