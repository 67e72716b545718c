package dev.fewstep.cli;

import dev.fewstep.distill.sid.SidDistillation;
import dev.fewstep.model.ModelStore;
import dev.fewstep.train.loop.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "distill", description = "Distil a teacher into a fast generator.",
        subcommands = {SidCommand.class, ConsistencyCommand.class, CodiCommand.class, AsdCommand.class,
            DistillCommand.Plot.class})
final class DistillCommand extends GroupCommand {

    @Command(name = "plot", description = "Draw a distillation's FID (or losses) vs iterations to MODEL/fid-vs-iterations.png.")
    static final class Plot implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "student model name or folder holding distill-log.jsonl")
        String model;

        @Override
        public Integer call() throws Exception {
            Path dir = Path.of(model);
            if (!Files.isRegularFile(dir.resolve(SidDistillation.LOG))) {
                dir = ModelStore.root().resolve(model);
            }
            Path png = dir.resolve(SidDistillation.PLOT);
            String what = History.plot(dir.resolve(SidDistillation.LOG), png);
            System.out.printf("wrote %s (%s vs iterations)%n", png, what);
            return 0;
        }
    }

    static String format(Map<String, Double> values) {
        return values.entrySet().stream().map(e -> String.format("%s %.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
