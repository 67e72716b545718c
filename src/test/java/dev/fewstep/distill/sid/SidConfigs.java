package dev.fewstep.distill.sid;

/** Test configs: {@link SidConfig#DEFAULTS} with a few settings changed, fluently. */
final class SidConfigs {
    private static final SidConfig D = SidConfig.DEFAULTS;

    private SidConfig.Loss loss = D.loss();
    private SidConfig.Lsg guidance = D.guidance();
    private SidConfig.Optimiser optimiser = D.optimiser();
    private SidConfig.Run run = D.run();
    private SidConfig.Sida sida = D.sida();

    static SidConfigs defaults() {
        return new SidConfigs();
    }

    /** A tiny run: batch 2, probes and checkpoints every 2 iterations, a learning rate that moves a tiny network. */
    static SidConfigs tiny(int iterations) {
        return defaults().batch(2).iterations(iterations).intervals(2, 2).learningRates(1e-3, 1e-3);
    }

    SidConfig build() {
        return new SidConfig(loss, guidance, optimiser, run, sida);
    }

    SidConfigs alpha(double alpha) {
        SidConfig.Loss l = loss;
        loss = new SidConfig.Loss(alpha, l.sigmaInit(), l.tMax(), l.pMean(), l.pStd(), l.generatorLossScale(), l.fakeLossScale());
        return this;
    }

    SidConfigs tMax(int tMax) {
        SidConfig.Loss l = loss;
        loss = new SidConfig.Loss(l.alpha(), l.sigmaInit(), tMax, l.pMean(), l.pStd(), l.generatorLossScale(), l.fakeLossScale());
        return this;
    }

    SidConfigs guidance(double teacher, double fakeTrain, double fakeEval) {
        guidance = new SidConfig.Lsg(teacher, fakeTrain, fakeEval, guidance.promptDropout());
        return this;
    }

    SidConfigs learningRates(double generator, double fake) {
        SidConfig.Optimiser o = optimiser;
        optimiser = new SidConfig.Optimiser(generator, fake, o.beta1(), o.beta2(), o.epsilon(), o.fakeUpdates(),
                o.emaHalfLifeImages(), o.emaRampup());
        return this;
    }

    SidConfigs fakeUpdates(int n) {
        SidConfig.Optimiser o = optimiser;
        optimiser = new SidConfig.Optimiser(o.generatorLearningRate(), o.fakeLearningRate(), o.beta1(), o.beta2(),
                o.epsilon(), n, o.emaHalfLifeImages(), o.emaRampup());
        return this;
    }

    SidConfigs batch(int batch) {
        run = new SidConfig.Run(batch, run.iterations(), run.seed(), run.checkpointEvery(), run.probeEvery(),
                run.generatorWarmupImages());
        return this;
    }

    SidConfigs iterations(int iterations) {
        run = new SidConfig.Run(run.batch(), iterations, run.seed(), run.checkpointEvery(), run.probeEvery(),
                run.generatorWarmupImages());
        return this;
    }

    SidConfigs intervals(int checkpointEvery, int probeEvery) {
        run = new SidConfig.Run(run.batch(), run.iterations(), run.seed(), checkpointEvery, probeEvery,
                run.generatorWarmupImages());
        return this;
    }

    SidConfigs generatorWarmup(long images) {
        run = new SidConfig.Run(run.batch(), run.iterations(), run.seed(), run.checkpointEvery(), run.probeEvery(), images);
        return this;
    }

    /** SiDA on with SiDA's default warm-up (as the CLI's --adversarial), or off. */
    SidConfigs adversarial(boolean on) {
        sida = on ? new SidConfig.Sida(false) : null;
        return generatorWarmup(on ? SidConfig.SIDA_WARMUP_IMAGES : 0);
    }

    SidConfigs matchingAware(boolean on) {
        sida = new SidConfig.Sida(on);
        return this;
    }
}
