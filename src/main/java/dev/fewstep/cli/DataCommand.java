package dev.fewstep.cli;

import dev.fewstep.data.DataStore;
import dev.fewstep.data.ImageDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "data", description = "Fetch and inspect datasets.", subcommands = {DataCommand.Fetch.class, DataCommand.Info.class,
        DataMakeCommand.class, ShowShapeCommand.class})
final class DataCommand extends GroupCommand {

    @Command(name = "fetch", description = "Fetch a dataset from its package registry (emoji: npm).")
    static final class Fetch implements Callable<Integer> {
        @Parameters(index = "0", description = "emoji")
        String dataset;

        @Override
        public Integer call() throws Exception {
            String name = DataStore.canonical(dataset);
            if (name.equals("fashion-mnist")) {
                throw new IllegalArgumentException("Fashion-MNIST comes from Debian: sudo apt-get install dataset-fashion-mnist");
            }
            if (name.equals("shapes")) {
                throw new IllegalArgumentException("the shapes dataset is made, not fetched: ./fewstep data make shapes --out DIR");
            }
            Path dir = DataStore.fetchEmoji(DataStore.root().resolve("emoji"));
            ImageDataset data = DataStore.train("emoji", null);
            System.out.printf("emoji in %s: %d images, %d names%n", dir, data.count(), data.prompts().size());
            return 0;
        }
    }

    @Command(name = "info", description = "Load a dataset and print its size and prompts.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", description = "fashion-mnist, emoji or shapes")
        String dataset;

        @Option(names = "--data-dir", description = "read the dataset from this folder")
        Path dataDir;

        @Override
        public Integer call() {
            ImageDataset data = DataStore.train(dataset, dataDir);
            System.out.printf("%s: %d images of %dx%dx%d, %d prompts, e.g. %s%n", data.name(), data.count(), data.channels(),
                    data.size(), data.size(), data.prompts().size(), data.prompts().subList(0, Math.min(5, data.prompts().size())));
            return 0;
        }
    }
}
