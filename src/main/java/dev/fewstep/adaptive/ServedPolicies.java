package dev.fewstep.adaptive;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Policies loaded once per server and kept: a choice then costs one small forward pass. Inference on a policy is
 * thread-safe (weights are only read; each call works in its own memory scope with grad mode off in its thread).
 */
public final class ServedPolicies {
    private static final Map<Path, Policy> LOADED = new ConcurrentHashMap<>();

    private ServedPolicies() {}

    /** @throws IllegalArgumentException for an unknown policy */
    public static PolicyChoice choose(String policyName, String prompt) {
        Path dir = PolicyStore.resolve(policyName).toAbsolutePath().normalize();
        Policy policy = LOADED.computeIfAbsent(dir, Policy::load);
        return PolicyChoice.of(policy, prompt);
    }
}
