package dev.fewstep.threed.asd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AsdConfigTest {
    @Test
    void settingsRoundTripThroughJsonAndAResumeMayOnlyChangeIterationsAndIntervals() {
        AsdConfig config = AsdConfig.DEFAULTS.validated();
        assertThat(AsdConfig.fromJson(config.toJson(), "test")).isEqualTo(config);
        AsdConfig longer = new AsdConfig(config.loss(), config.guidanceScale(), config.minTime(), config.maxTime(),
                config.eta(), config.learningRate(), new AsdConfig.Run(8, 99_999, 1, 7, 3), config.generator());
        assertThat(longer.differencesFrom(config)).isEmpty();
        AsdConfig sds = new AsdConfig(ScoreDistillationLoss.Kind.SDS, config.guidanceScale(), config.minTime(),
                config.maxTime(), config.eta(), config.learningRate(), config.run(), config.generator());
        assertThat(sds.differencesFrom(config)).contains("SDS");
    }

    @Test
    void outOfRangeSettingsAreRefusedNamingThem() {
        AsdConfig bad = new AsdConfig(ScoreDistillationLoss.Kind.ASD, -1, 0.02, 0.98, 0.1, 2, AsdConfig.DEFAULTS.run(),
                GeneratorConfig.DEFAULTS);
        assertThatThrownBy(bad::validated).hasMessageContaining("guidance scale -1").hasMessageContaining("learning rate 2");
    }
}
