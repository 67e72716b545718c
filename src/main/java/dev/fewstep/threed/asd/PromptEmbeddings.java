package dev.fewstep.threed.asd;

import dev.fewstep.io.SafeTensors;
import dev.fewstep.io.Tensor;
import dev.fewstep.text.TextEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The MiniLM embeddings of a distillation's training prompts, (P, 384) row after row. A shapes teacher knows thousands
 * of captions and MiniLM takes tens of milliseconds each on one thread, so the table is kept in a file keyed by the
 * SHA-256 of the prompt list: a resumed run, or a second run on the same prompts, reads it instead of recomputing.
 */
public final class PromptEmbeddings {
    public static final String FILE = "prompt-embeddings.safetensors";

    private PromptEmbeddings() {}

    public static float[] of(List<String> prompts, Path cache) throws IOException {
        String key = key(prompts);
        if (Files.isRegularFile(cache)) {
            SafeTensors.Contents contents = SafeTensors.read(cache);
            Tensor table = contents.tensors().get("embeddings");
            if (key.equals(contents.metadata().get("prompts_sha256")) && table != null
                    && table.data().length == prompts.size() * TextEncoder.DIM) {
                return table.data();
            }
        }
        float[] table = TextEncoder.get().embedAll(prompts);
        SafeTensors.write(cache, Map.of("embeddings", new Tensor(new long[] {prompts.size(), TextEncoder.DIM}, table)),
                Map.of("prompts_sha256", key, "prompts", Integer.toString(prompts.size())));
        return table;
    }

    static String key(List<String> prompts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String prompt : prompts) {
                digest.update(prompt.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
