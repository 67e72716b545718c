package dev.fewstep.text;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prompts to 384-d sentence embeddings with all-MiniLM-L6-v2 (ONNX, in-process, from the LangChain4j artifact).
 * The model loads once per JVM; embeddings are memoised, since datasets and servers repeat prompts.
 */
public final class TextEncoder {
    public static final int DIM = 384;
    public static final int MAX_PROMPT_LENGTH = 200;

    private static volatile TextEncoder instance;

    private final AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
    private final Map<String, float[]> cache = new ConcurrentHashMap<>();

    private TextEncoder() {}

    public static TextEncoder get() {
        if (instance == null) {
            synchronized (TextEncoder.class) {
                if (instance == null) {
                    instance = new TextEncoder();
                }
            }
        }
        return instance;
    }

    /** The L2-normalised embedding of one prompt. */
    public float[] embed(String prompt) {
        String key = normalize(prompt);
        return cache.computeIfAbsent(key, p -> model.embed(p).content().vector()).clone();
    }

    /** Embeddings of several prompts, row after row, (prompts.size() * DIM) floats. */
    public float[] embedAll(List<String> prompts) {
        float[] out = new float[prompts.size() * DIM];
        for (int i = 0; i < prompts.size(); i++) {
            System.arraycopy(embed(prompts.get(i)), 0, out, i * DIM, DIM);
        }
        return out;
    }

    /** Rejects prompts that cannot be generated from, with a message for the user. */
    public static String validate(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (prompt.length() > MAX_PROMPT_LENGTH) {
            throw new IllegalArgumentException(
                    "prompt is " + prompt.length() + " characters; at most " + MAX_PROMPT_LENGTH + " are allowed");
        }
        return normalize(prompt);
    }

    private static String normalize(String prompt) {
        return prompt.strip();
    }
}
