package dev.fewstep.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.generate.GenerateRequest;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A prompts file: one prompt per line, or a JSON object per line ({@code {"prompt": …, "seed": …, "sampler": …,
 * "steps": …, "cfg": …, "negative": …}}, a line starting with '{'); both may be mixed. Blank lines are skipped and
 * do not count as prompts. Every line is checked before anything is generated; a bad one is named by its number.
 */
public final class PromptFile {
    static final Set<String> FIELDS = Set.of("prompt", "seed", "sampler", "steps", "cfg", "negative");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptFile() {}

    /** @throws IllegalArgumentException for a missing or empty file, or a bad line (with its number) */
    public static List<ImageTask> read(Path file, BatchSettings settings) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("prompts file " + file + ": no such file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException("prompts file " + file + " is not UTF-8 text");
        }
        List<ImageTask> tasks = new ArrayList<>();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                tasks.add(parse(line, tasks.size(), settings));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage());
            }
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("prompts file " + file + " holds no prompts");
        }
        return tasks;
    }

    static ImageTask parse(String line, int index, BatchSettings s) {
        ImageTask task;
        if (line.startsWith("{")) {
            task = parseJson(line, index, s);
        } else {
            task = new ImageTask(index, line, s.negative(), s.sampler(), s.steps(), s.cfg(), s.seedOf(index), s.perPrompt(),
                    s.model(), s.scale());
        }
        task.request().validated();
        if (task.seed() + task.n() - 1 > GenerateRequest.MAX_SEED) {
            throw new IllegalArgumentException("seeds up to " + (task.seed() + task.n() - 1) + " exceed " + GenerateRequest.MAX_SEED);
        }
        return task;
    }

    private static ImageTask parseJson(String line, int index, BatchSettings s) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("a JSON line must be an object with a \"prompt\"");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field \"" + name + "\" (known: prompt, seed, sampler, steps, cfg, negative)");
            }
        }
        JsonNode prompt = node.get("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw new IllegalArgumentException("\"prompt\" must be given as a string");
        }
        return new ImageTask(index, prompt.asText().strip(), text(node, "negative", s.negative()), text(node, "sampler", s.sampler()),
                (int) whole(node, "steps", s.steps()), number(node, "cfg", s.cfg()), whole(node, "seed", s.seedOf(index)),
                s.perPrompt(), s.model(), s.scale());
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string, got " + value);
        }
        return value.asText();
    }

    private static long whole(JsonNode node, String field, long otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong()
                || (field.equals("steps") && !value.canConvertToInt())) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number, got " + value);
        }
        return value.asLong();
    }

    private static double number(JsonNode node, String field, double otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a number, got " + value);
        }
        return value.asDouble();
    }
}
