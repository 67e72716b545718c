package dev.fewstep.cli;

import dev.fewstep.data.DatasetException;
import dev.fewstep.generate.NonFiniteImagesException;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.nn.EngineThreads;
import dev.fewstep.train.DivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fewstep} command line. Commands parse, call one library method, and print. */
@Command(
        name = "fewstep",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // every subcommand takes --help, as the error hint promises
        version = "fewstep 0.1.0",
        description = "Train diffusion models, distil them into few-step generators, and serve them.",
        subcommands = {
            TrainCommand.class,
            TrainAutoencoderCommand.class,
            StepCostCommand.class,
            TrainAdapterCommand.class,
            GenerateCommand.class,
            ModelsCommand.class,
            DataCommand.class,
            ServeCommand.class,
            DistillCommand.class,
            TrainFeaturesCommand.class,
            EvalCommand.class,
            EvalViewsCommand.class,
            BenchCommand.class,
            InfoCommand.class,
            QuantizeCommand.class,
            TrainPolicyCommand.class,
            BatchCommand.class,
            FinetuneCommand.class,
            MergeCommand.class,
            Generate3dCommand.class,
            Eval3dCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    /** Exit code for bad input: unknown names, values out of range, unusable files. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code, never throwing. */
    public static int run(String... args) {
        EngineThreads.defaults();
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof CheckpointException || e instanceof DatasetException
                    || e instanceof NonFiniteImagesException) {
                cmd.getErr().println("fewstep: " + e.getMessage());
                return BAD_INPUT;
            }
            if (e instanceof java.io.IOException io) {
                cmd.getErr().println("fewstep: " + io.getMessage());
                return BAD_INPUT;
            }
            if (e instanceof DivergedException) {
                cmd.getErr().println("fewstep: " + e.getMessage());
                return 1;
            }
            cmd.getErr().println("fewstep: internal error: " + e);
            return 1;
        });
        commandLine.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("fewstep: " + e.getMessage());
            e.getCommandLine().getErr().println("(see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return BAD_INPUT;
        });
        return commandLine.execute(args);
    }
}
