package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ActionTest {
    @Test
    void samplerSpecsRunTheTeacherWithGuidance() {
        Action action = Action.parse("DPMPP2M:4", "fashion-teacher");
        assertThat(action.spec()).isEqualTo("dpmpp2m:4");
        assertThat(action.model()).isEqualTo("fashion-teacher");
        assertThat(action.budget().steps()).isEqualTo(4);
        assertThat(action.budget().cfg()).isEqualTo(Action.CFG);
        assertThat(action.sampled()).isTrue();
    }

    @Test
    void aNameIsADistilledModel() {
        Action action = Action.parse("fashion-sida", "fashion-teacher");
        assertThat(action.model()).isEqualTo("fashion-sida");
        assertThat(action.sampled()).isFalse();
    }

    @Test
    void anUnknownSamplerIsAClearError() {
        assertThatThrownBy(() -> Action.parse("warp:4", "t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown action 'warp:4'").hasMessageContaining("dpmpp2m");
    }

    @Test
    void stepsThatAreNotANumberAreAClearError() {
        assertThatThrownBy(() -> Action.parse("heun:many", "t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Action.parse("heun:0", "t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 1000");
    }

    @Test
    void anUnknownModelActionIsAClearError() {
        assertThatThrownBy(() -> new ActionSet("fashion-teacher", List.of("dpmpp2m:4", "no-such-student")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown action 'no-such-student'");
    }

    @Test
    void nfeIsWhatTheGeneratorSpends() {
        try (ActionSet set = new ActionSet("fashion-teacher", List.of("fashion-sida", "dpmpp2m:4", "heun:18"))) {
            // Heun spends 2N - 1 evaluations on N steps; a guided batch counts once, as everywhere in fewstep
            assertThat(set.nfe()).containsExactly(1, 4, 35);
        }
    }

    @Test
    void aRepeatedActionIsRefused() {
        assertThatThrownBy(() -> new ActionSet("fashion-teacher", List.of("heun:18", "HEUN:18")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
    }
}
