package dev.fewstep.bench;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.util.Arrays;
import java.util.Locale;

/**
 * Milliseconds of {@link DiffusionModel#load} (read, dequantize if quantized, copy into the network), the median of
 * several loads after one untimed load that warms the JVM and the engine. Arguments: loads per model, model names.
 */
public class LoadTime {
    public static void main(String[] args) {
        int loads = Integer.parseInt(args[0]);
        for (String name : Arrays.copyOfRange(args, 1, args.length)) {
            var dir = ModelStore.resolve(name);
            DiffusionModel.load(dir).close();
            double[] ms = new double[loads];
            for (int i = 0; i < loads; i++) {
                long start = System.nanoTime();
                try (DiffusionModel model = DiffusionModel.load(dir)) {
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "%s: median %.1f ms of %d loads (min %.1f, max %.1f)%n", name,
                    ms[loads / 2], loads, ms[0], ms[loads - 1]);
        }
    }
}
