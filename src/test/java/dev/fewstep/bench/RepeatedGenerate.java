package dev.fewstep.bench;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.util.Locale;

/**
 * Seconds of each of many same-shape generations in one process, after the one warm-up evaluation that
 * {@code generate} and the bench run first: shows how far a single call's images/s sits from the steady state.
 * Arguments: model name, images per call, calls. One-step models ignore the sampler; teachers run Euler 1 step.
 */
public class RepeatedGenerate {
    public static void main(String[] args) throws Exception {
        String modelName = args[0];
        int imagesPerCall = Integer.parseInt(args[1]);
        int calls = Integer.parseInt(args[2]);
        try (DiffusionModel model = DiffusionModel.load(ModelStore.resolve(modelName))) {
            System.out.printf(Locale.ROOT, "warm-up %.3f s%n", Generation.warmUp(model, request(0, imagesPerCall)).seconds());
            StringBuilder seconds = new StringBuilder("seconds per call:");
            long start = System.nanoTime();
            for (int call = 0; call < calls; call++) {
                Generation.Result result = Generation.generate(model, request((long) call * imagesPerCall, imagesPerCall));
                seconds.append(String.format(Locale.ROOT, " %.3f", result.seconds()));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            System.out.println(seconds);
            // What a server's requests/s compares with: the whole loop, prompt embedding and copying out included.
            System.out.printf(Locale.ROOT, "loop: %d calls in %.3f s, %.2f calls/s%n", calls, wall, calls / wall);
        }
    }

    /** The same request every call, only its seeds move on; the warm-up takes its shape and guidance. */
    private static GenerateRequest request(long firstSeed, int imagesPerCall) {
        return new GenerateRequest("Ankle boot", "euler", 1, 1.0, firstSeed, imagesPerCall);
    }
}
