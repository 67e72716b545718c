package dev.fewstep.data;

/** A dataset that is missing or unreadable; the message names the command that installs it. */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
