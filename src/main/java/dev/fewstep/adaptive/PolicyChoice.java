package dev.fewstep.adaptive;

import java.util.Locale;

/**
 * What a policy chose for one prompt: the action and its NFE, and how sure it was. What the CLI and the server call
 * before generating.
 *
 * @param probability π(a | e) of the chosen action
 */
public record PolicyChoice(String policy, Action action, int nfe, double probability) {

    public static PolicyChoice of(Policy policy, String prompt) {
        float[] p = policy.probabilities(dev.fewstep.text.TextEncoder.get().embed(prompt));
        int a = policy.choose(prompt);
        return new PolicyChoice(policy.name(), Action.parse(policy.actions().get(a), policy.teacher()), policy.nfe()[a], p[a]);
    }

    /** Loads the named policy, chooses, and frees it. */
    public static PolicyChoice of(String policyName, String prompt) {
        try (Policy policy = Policy.load(PolicyStore.resolve(policyName))) {
            return of(policy, prompt);
        }
    }

    public String describe() {
        return String.format(Locale.ROOT, "policy %s chose %s (%d NFE, p = %.2f)", policy, action.spec(), nfe, probability);
    }
}
