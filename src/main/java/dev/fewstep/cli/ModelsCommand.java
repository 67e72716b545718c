package dev.fewstep.cli;

import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "models", description = "List the models in the models folder with their metadata.")
final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var names = ModelStore.names();
        if (names.isEmpty()) {
            System.out.println("no models in " + ModelStore.root().toAbsolutePath());
        }
        for (String name : names) {
            Path file = ModelStore.root().resolve(name).resolve(ModelStore.WEIGHTS);
            ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString());
            System.out.printf("%s%n  kind: %s, dataset: %s, step: %d, prompts: %d%n  network: %s%n", name, info.kind(),
                    info.dataset(), info.step(), info.prompts().size(), info.config());
            info.extra().forEach((k, v) -> System.out.printf("  %s: %s%n", k, v));
        }
        return 0;
    }
}
