package dev.fewstep.cli;

import dev.fewstep.model.ModelStore;
import dev.fewstep.quant.Quantizer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quantize", description = "Write a smaller copy of a model: weights as int8 (one scale per output "
        + "channel) or 4-bit (one scale per 32 values), dequantized to float32 when loaded.")
final class QuantizeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model name or folder")
    String model;

    @Option(names = "--bits", required = true, description = "8 or 4")
    int bits;

    @Option(names = "--out", required = true, description = "new model folder; an existing model is never overwritten")
    Path out;

    @Override
    public Integer call() throws Exception {
        Quantizer.Result r = Quantizer.quantize(ModelStore.resolve(model), out, bits);
        System.out.printf(Locale.ROOT, "wrote %s: %d bytes, %.2fx smaller than %d; %d tensors quantized to %d bits, "
                + "%d kept float32%n", r.file(), r.bytes(), (double) r.sourceBytes() / r.bytes(), r.sourceBytes(),
                r.quantized(), bits, r.floatTensors().size());
        return 0;
    }
}
