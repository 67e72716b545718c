package dev.fewstep.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fewstep.adaptive.Policy;
import dev.fewstep.adaptive.PolicyStore;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.nn.lora.Lora;
import dev.fewstep.nn.lora.LoraStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The adapters and policies beside the models, as {@code GET /v1/models} lists them for the page's pickers: a LoRA
 * applies to its base (the request's {@code lora} field), a policy picks model and budget among its teacher's actions
 * (the {@code policy} field). Files that cannot be read are left out; a request naming one gets the clear error.
 */
final class AddOns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AddOns() {}

    /**
     * @param base the model it was trained on (it is refused on any other weights)
     * @param makes the kind the base becomes with it ("cd": a consistency LoRA, sampled in 1 to 4 steps), or null
     */
    record LoraEntry(String name, String base, String makes, int rank, long parameters, String dataset) {}

    /** @param nfe the NFE of each action */
    record PolicyEntry(String name, String teacher, List<String> actions, List<Integer> nfe) {}

    static List<LoraEntry> loras(Path root) {
        List<LoraEntry> out = new ArrayList<>();
        for (String name : LoraStore.names(root)) {
            try {
                Lora lora = Lora.read(name, root.resolve(name).resolve(Lora.FILE));
                out.add(new LoraEntry(name, lora.info().base(), lora.info().modelKind(), lora.info().config().rank(),
                        lora.parameterCount(), lora.info().dataset()));
            } catch (RuntimeException e) {
                // unreadable: not offered
            }
        }
        return out;
    }

    static List<PolicyEntry> policies(Path root) {
        List<PolicyEntry> out = new ArrayList<>();
        for (String name : PolicyStore.names(root)) {
            try {
                Map<String, String> m = SafeTensors.read(root.resolve(name).resolve(Policy.FILE)).metadata();
                out.add(new PolicyEntry(name, m.get("teacher"),
                        JSON.readValue(m.get("actions"), new TypeReference<List<String>>() {}),
                        JSON.readValue(m.get("nfe"), new TypeReference<List<Integer>>() {})));
            } catch (IOException | RuntimeException e) {
                // unreadable: not offered
            }
        }
        return out;
    }
}
