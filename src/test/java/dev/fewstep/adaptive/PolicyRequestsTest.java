package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.cli.Main;
import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.serve.GenerationOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy named in a server request or on the command line: its choice, and clear errors. */
class PolicyRequestsTest {
    @TempDir
    Path dir;

    private Path onlyAction(String spec) throws Exception {
        Path folder = dir.resolve("one-action");
        try (Policy policy = Policy.create("one-action", "fashion-teacher", List.of(spec), new int[] {4}, 4, 1)) {
            policy.save(folder, Map.of());
        }
        return folder;
    }

    @Test
    void aServerRequestWithAPolicyGetsItsModelAndBudget() throws Exception {
        Path policy = onlyAction("dpmpp2m:4");
        GenerationOrder order = GenerationOrder.parse("{\"prompt\": \"a photo of a bag\", \"policy\": \""
                + policy.toString().replace("\\", "\\\\") + "\"}", () -> Optional.of("fashion-sida"));
        assertThat(order.model()).isEqualTo("fashion-teacher");
        assertThat(order.request().sampler()).isEqualTo("dpmpp2m");
        assertThat(order.request().steps()).isEqualTo(4);
    }

    @Test
    void anUnknownPolicyInARequestIsA400NamingTheField() {
        assertThatThrownBy(() -> GenerationOrder.parse("{\"prompt\": \"Bag\", \"policy\": \"no-such-policy\"}",
                () -> Optional.of("fashion-teacher")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown policy 'no-such-policy'")
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("policy"));
    }

    @Test
    void aPolicyAndAModelTogetherAreRefused() throws Exception {
        Path policy = onlyAction("dpmpp2m:4");
        assertThatThrownBy(() -> GenerationOrder.parse("{\"prompt\": \"Bag\", \"model\": \"fashion-sida\", \"policy\": \""
                + policy.toString().replace("\\", "\\\\") + "\"}", () -> Optional.of("fashion-teacher")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("leave out model");
    }

    @Test
    void generateWithAnUnknownPolicyExitsWithBadInput() {
        int code = Main.run("generate", "--policy", "no-such-policy", "--prompt", "Bag", "--out",
                dir.resolve("x.png").toString());
        assertThat(code).isEqualTo(Main.BAD_INPUT);
    }
}
