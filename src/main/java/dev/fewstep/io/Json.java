package dev.fewstep.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Settings records to and from the JSON kept in model metadata; unreadable JSON names its source. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws CheckpointException naming {@code source} and what it holds, e.g. "SiD settings" */
    public static <T> T read(String json, Class<T> type, String source, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CheckpointException(source + " has corrupt " + what + ": " + e.getMessage(), e);
        }
    }
}
