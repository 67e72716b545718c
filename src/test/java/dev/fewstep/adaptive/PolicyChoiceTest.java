package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyChoiceTest {
    @TempDir
    Path dir;

    @Test
    void theChoiceIsTheSameEveryTimeAndSurvivesSaveAndLoad() throws Exception {
        List<String> prompts = List.of("a photo of a trouser", "ankle boot, product shot", "Bag", "a simple dress");
        try (Policy policy = Policy.create("p", "fashion-teacher", List.of("fashion-sida", "dpmpp2m:4", "heun:18"),
                new int[] {1, 4, 35}, 8, 11)) {
            // random hidden weights and non-zero output weights, so the choice depends on the prompt
            new PolicyTraining(8, 5, 4, 0.5, 0.9, 0.0, 5).train(policy, new Bandit() {
                public int size() {
                    return prompts.size();
                }

                public float[] embedding(int s) {
                    return dev.fewstep.text.TextEncoder.get().embed(prompts.get(s));
                }

                public double reward(int s, int a) {
                    return (s + a) % 3;
                }
            });
            int[] first = prompts.stream().mapToInt(policy::choose).toArray();
            int[] again = prompts.stream().mapToInt(policy::choose).toArray();
            assertThat(again).isEqualTo(first);
            policy.save(dir.resolve("p"), Map.of("note", "test"));
            try (Policy loaded = Policy.load(dir.resolve("p"))) {
                assertThat(prompts.stream().mapToInt(loaded::choose).toArray()).isEqualTo(first);
                assertThat(loaded.probabilities(dev.fewstep.text.TextEncoder.get().embed("Bag")))
                        .containsExactly(policy.probabilities(dev.fewstep.text.TextEncoder.get().embed("Bag")),
                                org.assertj.core.data.Offset.offset(0f));
                assertThat(loaded.actions()).containsExactly("fashion-sida", "dpmpp2m:4", "heun:18");
                assertThat(loaded.nfe()).containsExactly(1, 4, 35);
                assertThat(loaded.extra()).containsEntry("note", "test");
            }
        }
    }

    @Test
    void anUnknownPolicyIsAClearError() {
        assertThatThrownBy(() -> PolicyStore.resolve(dir.resolve("no-such-policy").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown policy");
    }

    @Test
    void aModelFolderIsNotAPolicy() {
        assertThatThrownBy(() -> PolicyStore.resolve("fashion-teacher"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown policy 'fashion-teacher'");
    }
}
