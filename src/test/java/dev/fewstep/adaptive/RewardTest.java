package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RewardTest {
    private static final int[] NFE = {1, 4, 35};
    private static final Reward TOP_TWO = new Reward(2, 0.0, 0.5, 1.0);

    @Test
    void aCheapActionInTheTopGroupEarnsTheShareOfNfeSaved() {
        double[] quality = {0.90, 0.50, 0.95};
        assertThat(TOP_TWO.of(quality, NFE, 0)).isEqualTo(1 - 1.0 / 35);
    }

    @Test
    void anActionOutsideTheTopGroupIsPenalised() {
        double[] quality = {0.90, 0.50, 0.95};
        assertThat(TOP_TWO.of(quality, NFE, 1)).isEqualTo(-0.5);
    }

    @Test
    void theMostExpensiveActionEarnsNothingEvenWhenBest() {
        double[] quality = {0.90, 0.50, 0.95};
        assertThat(TOP_TWO.of(quality, NFE, 2)).isEqualTo(0.0);
    }

    @Test
    void tiedQualitiesShareARank() {
        double[] quality = {0.7, 0.7, 0.7};
        Reward onlyTheBest = new Reward(1, 0.0, 1.0, 1.0);
        assertThat(onlyTheBest.of(quality, NFE, 1)).isEqualTo(1 - 4.0 / 35);
    }

    @Test
    void withTopGroupOneOnlyTheBestImageIsRewarded() {
        double[] quality = {0.2, 0.9, 0.5};
        Reward onlyTheBest = new Reward(1, 0.0, 1.0, 1.0);
        assertThat(onlyTheBest.of(quality, NFE, 0)).isEqualTo(-1.0);
        assertThat(onlyTheBest.of(quality, NFE, 1)).isEqualTo(1 - 4.0 / 35);
    }

    @Test
    void anImageBetterByLessThanTheToleranceDoesNotOutrankIt() {
        double[] quality = {0.90, 0.91, 0.95};
        Reward tolerant = new Reward(1, 0.05, 1.0, 1.0);
        assertThat(tolerant.of(quality, NFE, 0)).isEqualTo(1 - 1.0 / 35);
        assertThat(new Reward(1, 0.0, 1.0, 1.0).of(quality, NFE, 0)).isEqualTo(-1.0);
    }

    @Test
    void anEmptyTopGroupIsRefused() {
        assertThatThrownBy(() -> new Reward(0, 0.0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top group");
    }
}
