package dev.fewstep.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fewstep.adaptive.PolicyChoice;
import dev.fewstep.adaptive.ServedPolicies;
import dev.fewstep.generate.InvalidRequestException;
import java.util.List;

/**
 * {@code "policy": NAME} in a generate body: the AdaDiff policy picks the model and budget for the prompt, which
 * then stand in the body as if the client had sent them.
 */
final class PolicyFields {
    private static final List<String> CHOSEN = List.of("model", "sampler", "steps", "cfg");

    private PolicyFields() {}

    /** The body with the policy's choice in place of "policy"; unchanged when it names none. */
    static JsonNode resolve(JsonNode root) {
        JsonNode policy = root.get("policy");
        if (policy == null || policy.isNull()) {
            return root;
        }
        if (!policy.isTextual()) {
            throw new InvalidRequestException("policy", "policy must be a string, got " + policy.getNodeType().name().toLowerCase());
        }
        for (String field : CHOSEN) {
            if (root.hasNonNull(field)) {
                throw new InvalidRequestException("policy", "a policy chooses model, sampler, steps and cfg; leave out " + field);
            }
        }
        ObjectNode body = ((ObjectNode) root).deepCopy();
        body.remove("policy");
        JsonNode prompt = root.get("prompt");
        if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
            return body; // the prompt's own check names what is wrong with it
        }
        PolicyChoice choice;
        try {
            choice = ServedPolicies.choose(policy.asText(), prompt.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("policy", e.getMessage());
        }
        body.put("model", choice.action().model());
        if (choice.action().sampled()) {
            body.put("sampler", choice.action().budget().sampler());
            body.put("steps", choice.action().budget().steps());
            body.put("cfg", choice.action().budget().cfg());
        }
        return body;
    }
}
