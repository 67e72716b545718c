package dev.fewstep.batch;

import java.io.Serializable;
import java.util.List;

/**
 * What one task hands back: the manifest entries of its images, or the bad input that stopped it. Bad input is
 * returned, not thrown: Spark would retry a thrown exception (four times on a cluster) and log its stack trace, and
 * neither helps with a file in the way or a missing model.
 *
 * @param problem the message for the user, or null
 */
record PartitionResult(List<ManifestEntry> entries, String problem) implements Serializable {}
