package dev.fewstep.cli;

import dev.fewstep.distill.sid.SidConfig;
import picocli.CommandLine.Option;

/** The option groups of {@code distill sid}, one per section of {@link SidConfig}; defaults from its DEFAULTS. */
final class SidOptions {
    private static final SidConfig D = SidConfig.DEFAULTS;

    private SidOptions() {}

    static final class Loss {
        @Option(names = "--alpha", description = "alpha of the SiD generator loss (default: ${DEFAULT-VALUE}, the paper's)")
        double alpha = D.loss().alpha();

        @Option(names = "--sigma-init", description = "noise level of the generator's input (default: ${DEFAULT-VALUE}, the paper's)")
        double sigmaInit = D.loss().sigmaInit();

        @Option(names = "--t-max", description = "largest noise step of the generator loss in 1/1000 of the Karras"
                + " schedule (default: ${DEFAULT-VALUE}, the paper's)")
        int tMax = D.loss().tMax();

        SidConfig.Loss toLoss() {
            return new SidConfig.Loss(alpha, sigmaInit, tMax, D.loss().pMean(), D.loss().pStd(),
                    D.loss().generatorLossScale(), D.loss().fakeLossScale());
        }
    }

    static final class Guidance {
        @Option(names = "--guidance", description = "set all LSG guidance scales (kappa_1..kappa_4) to one value; 1 = none")
        Double all;

        @Option(names = "--guidance-teacher", description = "kappa_4, on the teacher in the generator loss (default: "
                + "${DEFAULT-VALUE})")
        Double teacher;

        @Option(names = "--guidance-fake-train", description = "kappa_1, on the fake network while it is trained")
        Double fakeTrain;

        @Option(names = "--guidance-fake-eval", description = "kappa_2 = kappa_3, on the fake network in the generator loss")
        Double fakeEval;

        SidConfig.Lsg toLsg() {
            SidConfig.Lsg d = D.guidance();
            return new SidConfig.Lsg(firstOf(teacher, all, d.teacher()), firstOf(fakeTrain, all, d.fakeTrain()),
                    firstOf(fakeEval, all, d.fakeEval()), d.promptDropout());
        }
    }

    static final class Optimiser {
        @Option(names = "--lr", description = "Adam step size of both networks (default: 5e-5); may change on --resume")
        Double learningRate;

        @Option(names = "--generator-lr", description = "Adam step size of the generator (default: --lr)")
        Double generator;

        @Option(names = "--fake-lr", description = "Adam step size of the fake score network (default: --lr)")
        Double fake;

        @Option(names = "--fake-updates", description = "fake score network updates per generator update, each on fresh"
                + " samples (default: ${DEFAULT-VALUE}, the paper's; DMD2's two time-scale rule uses 5)")
        int fakeUpdates = D.optimiser().fakeUpdates();

        SidConfig.Optimiser toOptimiser() {
            SidConfig.Optimiser d = D.optimiser();
            return new SidConfig.Optimiser(firstOf(generator, learningRate, d.generatorLearningRate()),
                    firstOf(fake, learningRate, d.fakeLearningRate()), d.beta1(), d.beta2(), d.epsilon(), fakeUpdates,
                    d.emaHalfLifeImages(), d.emaRampup());
        }
    }

    static final class Sida {
        @Option(names = "--adversarial", description = "SiDA: add the adversarial term on real training images (the fake"
                + " network's encoder as discriminator); reads the teacher's dataset")
        boolean adversarial;

        @Option(names = "--matching-aware", description = "with --adversarial: the discriminator also calls real images"
                + " with another prompt fake (Reed et al. 2016; not in SiDA); may be switched on by --resume")
        boolean matchingAware;

        SidConfig.Sida toSida() {
            if (matchingAware && !adversarial) {
                throw new IllegalArgumentException("--matching-aware needs the adversarial term (--adversarial)");
            }
            return adversarial ? new SidConfig.Sida(matchingAware) : null;
        }
    }

    static double firstOf(Double specific, Double general, double fallback) {
        return specific != null ? specific : general != null ? general : fallback;
    }
}
