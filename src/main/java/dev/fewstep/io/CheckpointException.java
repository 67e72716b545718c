package dev.fewstep.io;

/** A model file that cannot be used: missing, truncated, corrupt, or made for another network. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For {@code --resume}: a saved training state continues only under the settings it was trained with.
     *
     * @param differences the settings that differ, as a config's {@code differencesFrom} lists them ("" for none)
     */
    public static void requireSameSettings(String differences) {
        if (!differences.isEmpty()) {
            throw new CheckpointException("the state was trained with other settings: " + differences
                    + " (only the steps and the checkpoint interval may change on --resume)");
        }
    }
}
