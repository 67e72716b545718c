package dev.fewstep.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * {@code manifest.jsonl}: one JSON object per image, in prompt-file order, written by the driver from every task's
 * entries at the end of a run (a rerun rebuilds it whole, finished files included).
 */
public final class Manifest {
    public static final String FILE = "manifest.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifest() {}

    /** Writes the entries atomically (a temporary file, then a rename). */
    public static void write(Path dir, List<ManifestEntry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        entries.stream().sorted(Comparator.comparingInt(ManifestEntry::line).thenComparingLong(ManifestEntry::seed))
                .forEach(entry -> text.append(line(entry)).append('\n'));
        AtomicFile.write(dir.resolve(FILE), fresh -> Files.writeString(fresh, text, StandardCharsets.UTF_8));
    }

    /** Reads a manifest back. */
    public static List<ManifestEntry> read(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(line -> {
            try {
                return JSON.readValue(line, ManifestEntry.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + " holds a line that is not a manifest entry: " + e.getOriginalMessage());
            }
        }).toList();
    }

    static String line(ManifestEntry entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
