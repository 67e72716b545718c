package dev.fewstep.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The schedules against values computed independently, in Python (the one-liners are next to the numbers). */
class ScheduleTest {

    @Test
    void karrasScheduleMatchesGoldenValues() {
        // python3 -c "smin, smax, rho = 0.002, 80.0, 7.0; print([(smax**(1/rho) + i/4 * (smin**(1/rho) - smax**(1/rho)))**rho for i in range(5)])"
        assertLevels(Schedule.karras(5),
                80.0, 17.52783196464411, 2.515218976147159, 0.16975275626876413, 0.002000000000000003, 0);
        // python3 -c "print([(10**(1/3) + i/2 * (0.1**(1/3) - 10**(1/3)))**3 for i in range(3)])"
        assertLevels(Schedule.karras(3, 0.1, 10, 3), 10.000000000000002, 2.2444725900224367, 0.10000000000000006, 0);
        // One step starts at sigma_max: i / (N - 1) is taken as 0.
        assertLevels(Schedule.karras(1), 80, 0);
    }

    @Test
    void ddimUniformScheduleMatchesGoldenValues() {
        // The linear-beta DDPM schedule at diffusers' "trailing" timesteps, sigma = sqrt((1 - alphaBar) / alphaBar):
        // python3 -c "import numpy as np; ab = np.cumprod(1 - np.linspace(1e-4, 0.02, 1000)); t = np.round(np.arange(1000, 0, -1000 / 4)).astype(int) - 1; print(np.clip(np.sqrt((1 - ab[t]) / ab[t]), 0.002, 80).tolist())"
        // (t = 999 has sigma = 157, clipped to sigma_max.)
        assertLevels(Schedule.ddimUniform(4), 80.0, 17.24698300991162, 3.424136619044041, 0.9529355002015923, 0);
        // The same with -1000 / 10.
        assertLevels(Schedule.ddimUniform(10), 80.0, 60.271410067824064, 25.52848138920485, 11.939519622754792,
                6.135208879028882, 3.424136619044041, 2.030851234838281, 1.2339281159745168, 0.7192788171500824,
                0.33882834898350744, 0);
    }

    /** Every level within 1e-12 of its golden value, relative: Java's and Python's pow may differ in the last bit. */
    private static void assertLevels(Schedule schedule, double... golden) {
        assertThat(schedule.sigmas()).hasSameSizeAs(golden);
        for (int i = 0; i < golden.length; i++) {
            assertThat(schedule.sigma(i)).as("sigma_%d", i).isCloseTo(golden[i], within(1e-12 * golden[i]));
        }
    }
}
