package dev.fewstep.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.fewstep.diffusion.Conditioning;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.nn.NativeMemory;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022): D_w = D(x | null) + w (D(x | c) - D(x | null)).
 * w = 1 is the plain conditional model and needs one pass; otherwise the conditional and unconditional
 * passes run as one batch of twice the size, so guidance costs one network evaluation per step in time.
 *
 * @param conditioning the prompts
 * @param scale w
 */
public record Guidance(Conditioning conditioning, double scale) {

    public static Guidance none(Conditioning conditioning) {
        return new Guidance(conditioning, 1.0);
    }

    /** D_w(x; sigma) with one noise level for the whole batch, as samplers evaluate it. */
    public NDArray denoise(Denoiser denoiser, NDArray x, double sigma) {
        return denoise(denoiser, x, Sigmas.full(x.getManager(), x.getShape().get(0), sigma));
    }

    public NDArray denoise(Denoiser denoiser, NDArray x, NDArray sigma) {
        if (scale == 1.0) {
            return denoiser.denoise(x, sigma, conditioning);
        }
        long batch = x.getShape().get(0);
        NDArray both = denoiser.denoise(
                NDArrays.concat(new NDList(x, x)),
                NDArrays.concat(new NDList(sigma, sigma)),
                conditioning.concat(conditioning.unconditional()));
        NDArray conditional = both.get("0:" + batch);
        NDArray unconditional = both.get(batch + ":");
        // The scale is a native constant: distillation losses differentiate through guided predictions.
        return unconditional.add(NativeMemory.times(conditional.sub(unconditional), scale));
    }
}
