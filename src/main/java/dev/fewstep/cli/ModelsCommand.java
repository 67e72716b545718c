package dev.fewstep.cli;

import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.ModelCheck;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "models", description = "List the models in the models folder with their metadata; flag the unusable ones.")
final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        var names = ModelStore.names();
        if (names.isEmpty()) {
            System.out.println("no models in " + ModelStore.root().toAbsolutePath());
        }
        for (String name : names) {
            Path dir = ModelStore.root().resolve(name);
            Optional<String> problem = ModelCheck.problem(dir);
            if (problem.isPresent()) {
                System.out.printf("%s%n  UNUSABLE: %s%n", name, problem.get());
                continue;
            }
            Path file = dir.resolve(ModelStore.WEIGHTS);
            ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString());
            System.out.printf("%s%n  kind: %s (%s), dataset: %s, step: %d, prompts: %d%n  network: %s%n", name, info.kind(),
                    info.modelKind().role(), info.dataset(), info.step(), info.prompts().size(), info.config());
            info.extra().forEach((k, v) -> System.out.printf("  %s: %s%n", k, v));
        }
        dev.fewstep.adaptive.PolicyStore.describeAll().forEach(System.out::println);
        for (String name : dev.fewstep.nn.lora.LoraStore.names()) {
            try {
                System.out.print(name + System.lineSeparator() + dev.fewstep.nn.lora.LoraStore.read(name).describe());
            } catch (RuntimeException e) {
                System.out.printf("%s%n  UNUSABLE LoRA: %s%n", name, e.getMessage());
            }
        }
        for (String name : dev.fewstep.latent.AutoencoderFile.names()) {
            System.out.print(name + System.lineSeparator()
                    + dev.fewstep.latent.AutoencoderFile.describe(ModelStore.root().resolve(name)));
        }
        for (String name : dev.fewstep.threed.asd.Generator3dFile.names()) {
            System.out.print(name + System.lineSeparator()
                    + dev.fewstep.threed.asd.Generator3dFile.describe(ModelStore.root().resolve(name)));
        }
        return 0;
    }
}
