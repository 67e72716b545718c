package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.InvalidRequestException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GenerationOrderTest {

    @Test
    void fillsDefaultsAndARandomSeed() {
        GenerationOrder order = GenerationOrder.parse("{\"prompt\": \"  Ankle boot \"}", () -> Optional.of("fashion-teacher"));
        assertThat(order.model()).isEqualTo("fashion-teacher");
        assertThat(order.request().sampler()).isEqualTo("heun");
        assertThat(order.request().steps()).isEqualTo(18);
        assertThat(order.request().cfg()).isEqualTo(2.0);
        assertThat(order.request().n()).isEqualTo(1);
        assertThat(order.scale()).isEqualTo(1);
        assertThat(order.request().seed()).isBetween(0L, (1L << 31) - 1);
    }

    @Test
    void keepsWhatTheClientGaveAndTreatsNullAsAbsent() {
        GenerationOrder order = GenerationOrder.parse("""
                {"prompt": "x", "model": "m", "sampler": "DDIM", "steps": 7, "cfg": 0, "seed": 9007199254740991,
                 "n": 64, "scale": 16}""", Optional::empty);
        assertThat(order.model()).isEqualTo("m");
        assertThat(order.request().sampler()).isEqualTo("DDIM");
        assertThat(order.request().steps()).isEqualTo(7);
        assertThat(order.request().cfg()).isZero();
        assertThat(order.request().seed()).isEqualTo(GenerateRequest.MAX_SEED);
        assertThat(order.request().n()).isEqualTo(64);
        assertThat(order.scale()).isEqualTo(16);
        GenerationOrder nulls = GenerationOrder.parse("{\"prompt\": \"x\", \"steps\": null, \"seed\": null}", () -> Optional.of("m"));
        assertThat(nulls.request().steps()).isEqualTo(GenerationOrder.DEFAULT_STEPS);
    }

    @Test
    void theDefaultModelIsAskedForOnlyWhenNoneIsNamed() {
        GenerationOrder order = GenerationOrder.parse("{\"prompt\": \"x\", \"model\": \"m\"}", () -> {
            throw new AssertionError("listed the models folder without need");
        });
        assertThat(order.model()).isEqualTo("m");
        assertThatThrownBy(() -> GenerationOrder.parse("{\"prompt\": \"x\"}", Optional::empty))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("model"));
    }

    @Test
    void trailingGarbageAfterTheObjectIsMalformed() {
        assertThatThrownBy(() -> GenerationOrder.parse("{\"prompt\": \"x\"} {}", () -> Optional.of("m")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("body"));
    }
}
