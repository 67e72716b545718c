package dev.fewstep.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.fewstep.diffusion.*;
import dev.fewstep.nn.*;

public class NetSpeed {
    public static void main(String[] a) {
        int batch = Integer.parseInt(a[0]);
        for (int i = 1; i < a.length; i++) {
            String[] p = a[i].split(":");
            int base = Integer.parseInt(p[0]);
            String[] m = p[1].split(",");
            int[] mult = new int[m.length];
            for (int j = 0; j < m.length; j++) mult[j] = Integer.parseInt(m[j]);
            String[] at = p[2].split(",");
            int[] attn = new int[at.length];
            for (int j = 0; j < at.length; j++) attn[j] = Integer.parseInt(at[j]);
            UNetConfig c = new UNetConfig(1, 32, base, mult, Integer.parseInt(p[3]), attn, 2, 384, 4, 64);
            try (NDManager mg = NDManager.newBaseManager()) {
                UNet net = UNet.create(c, mg);
                EdmDenoiser d = new EdmDenoiser(net);
                long t0 = 0; int reps = 5;
                for (int r = 0; r < reps + 1; r++) {
                    if (r == 1) t0 = System.nanoTime();
                    try (NDManager s = mg.newSubManager()) {
                        NDArray x = s.randomNormal(new Shape(batch, 1, 32, 32));
                        d.denoise(x, s.ones(new Shape(batch)), Conditioning.of(s.zeros(new Shape(batch, 384)))).toFloatArray();
                    }
                }
                double fwd = (System.nanoTime() - t0) / 1e9 / reps;
                for (int r = 0; r < reps + 1; r++) {
                    if (r == 1) t0 = System.nanoTime();
                    try (NDManager s = mg.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray x = s.randomNormal(new Shape(batch, 1, 32, 32));
                        NDArray l = EdmLoss.paperDefaults().loss(d, x, Conditioning.of(s.zeros(new Shape(batch, 384))));
                        gc.backward(l);
                    }
                }
                double train = (System.nanoTime() - t0) / 1e9 / reps;
                System.out.printf("%s params=%d fwd=%.3fs (%.1f img/s) train=%.3fs%n", a[i], net.parameterCount(), fwd, batch / fwd, train);
            }
        }
    }
}
