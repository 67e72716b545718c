package dev.fewstep.cli;

import dev.fewstep.generate.ImageParameters;
import dev.fewstep.generate.PngText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "info", description = "Print how a PNG that fewstep wrote was made (its 'parameters' text), or what a"
        + " LoRA adapter (its folder or lora.safetensors) was trained on.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "a PNG file, or a LoRA folder")
    Path image;

    @Override
    public Integer call() throws Exception {
        Path lora = Files.isDirectory(image) ? image.resolve(dev.fewstep.nn.lora.Lora.FILE) : image;
        if (lora.getFileName().toString().equals(dev.fewstep.nn.lora.Lora.FILE) && Files.isRegularFile(lora)) {
            System.out.print(lora.toAbsolutePath().getParent().getFileName() + System.lineSeparator()
                    + dev.fewstep.nn.lora.Lora.read(lora.toAbsolutePath().getParent().getFileName().toString(), lora).describe());
            return 0;
        }
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException(image + ": no such file");
        }
        String text = PngText.read(Files.readAllBytes(image), ImageParameters.KEY).orElseThrow(() ->
                new IllegalArgumentException(image + " carries no fewstep parameters (no PNG text chunk named '"
                        + ImageParameters.KEY + "')"));
        System.out.println(text);
        return 0;
    }
}
