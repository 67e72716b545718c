package dev.fewstep.train.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The settings that differ between two runs' configs, for the message that refuses a resume. */
public final class SettingsDiff {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SettingsDiff() {}

    /** "path saved -> asked" for each leaf that differs, nested records as dotted paths, e.g. "run.batch 16 -> 32". */
    public static String between(Object saved, Object asked) {
        List<String> differences = new ArrayList<>();
        collect("", JSON.valueToTree(saved), JSON.valueToTree(asked), differences);
        return String.join(", ", differences);
    }

    private static void collect(String path, JsonNode saved, JsonNode asked, List<String> out) {
        if (saved != null && asked != null && saved.isObject() && asked.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = asked.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                collect(path + field.getKey() + ".", saved.get(field.getKey()), field.getValue(), out);
            }
            return;
        }
        if (saved == null ? asked != null && !asked.isNull() : !saved.equals(asked)) {
            out.add(path.substring(0, path.length() - 1) + " " + saved + " -> " + asked);
        }
    }
}
