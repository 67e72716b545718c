package dev.fewstep.distill.consistency;

import dev.fewstep.io.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyper-parameters of consistency distillation (Song et al. 2023, Algorithm 2; latent-consistency style guidance in
 * the teacher's step, Luo et al. 2023). Stored as JSON in the student's metadata ({@code extra.consistency}).
 *
 * @param levels N, the Karras levels the ODE is discretised into (paper: 18 for EDM teachers)
 * @param solver the teacher's ODE step from sigma_{n+1} to sigma_n: "heun" (paper) or "euler"
 * @param guidance the classifier-free guidance scale w of the teacher's step (LCM; 1 = none)
 * @param huber c of the pseudo-Huber distance sqrt(||a - b||^2 + c^2) - c per pixel (Song &amp; Dhariwal 2023 use
 *     0.00054 sqrt(d) in place of LPIPS, which we do not have)
 * @param targetDecay mu, the decay of the target network theta^- (paper: 0.95 for CD)
 * @param learningRate Adam's step size (beta_1 0.9, beta_2 0.999)
 * @param emaDecay decay of the shipped weight average (paper: 0.9999 over far longer runs)
 * @param batch training images per iteration
 * @param iterations iterations in total
 * @param seed seeds images, noise and levels of every iteration
 * @param checkpointEvery iterations between checkpoints
 * @param probeEvery iterations between history lines and probes
 */
public record ConsistencyConfig(int levels, String solver, double guidance, double huber, double targetDecay,
        double learningRate, double emaDecay, int batch, int iterations, long seed, int checkpointEvery, int probeEvery) {
    /** The paper's choices where they carry over, a learning rate and averages for runs of a few thousand iterations. */
    public static final ConsistencyConfig DEFAULTS =
            new ConsistencyConfig(18, "heun", 2.0, 0.00054 * 32, 0.95, 1e-4, 0.999, 16, 3000, 1, 100, 100);

    /** These saved settings with {@code asked}'s iterations and intervals: what a resume of them may ask for. */
    public ConsistencyConfig resumedAs(ConsistencyConfig asked) {
        return new ConsistencyConfig(levels, solver, guidance, huber, targetDecay, learningRate, emaDecay, batch,
                asked.iterations, seed, asked.checkpointEvery, asked.probeEvery);
    }

    public ConsistencyConfig validated() {
        List<String> errors = new ArrayList<>();
        if (levels < 2 || levels > 1000) errors.add("--levels must be between 2 and 1000");
        if (!solver.equals("heun") && !solver.equals("euler")) errors.add("--solver must be heun or euler");
        if (!(guidance >= 0 && guidance <= 20)) errors.add("--guidance must be between 0 and 20");
        if (!(huber > 0)) errors.add("the Huber constant must be positive");
        if (!(targetDecay >= 0 && targetDecay < 1) || !(emaDecay >= 0 && emaDecay < 1)) errors.add("decays must be in [0, 1)");
        if (!(learningRate > 0 && learningRate < 1)) errors.add("--lr must be in (0, 1)");
        if (batch < 1 || batch > 1024) errors.add("--batch must be between 1 and 1024");
        if (iterations < 1 || checkpointEvery < 1 || probeEvery < 1) errors.add("iterations and intervals must be at least 1");
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return this;
    }

    public String toJson() {
        return Json.write(this);
    }

    public static ConsistencyConfig fromJson(String json, String source) {
        return Json.read(json, ConsistencyConfig.class, source, "consistency settings");
    }
}
