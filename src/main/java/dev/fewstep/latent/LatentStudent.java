package dev.fewstep.latent;

import dev.fewstep.generate.Generator;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-step student distilled from a latent teacher ({@link LatentKinds#STUDENT}): its network maps latent noise to
 * scaled latents s·z at the teacher's latent shape, and its file carries the teacher's decoder and records the same
 * autoencoder (name, SHA-256, config, s), so its generator decodes to the teacher's image size. Built by a distiller
 * from the teacher it distils; the distiller stays unaware of what a latent is.
 */
public final class LatentStudent {
    private final ModelInfo teacher;
    private final LatentDecoder decoder;

    private LatentStudent(ModelInfo teacher, LatentDecoder decoder) {
        this.teacher = teacher;
        this.decoder = decoder;
    }

    /** The latent student of {@code teacher}, or null when the teacher works on pixels. */
    public static LatentStudent of(DiffusionModel teacher) {
        return teacher.denoiser() instanceof LatentDenoiser latent ? new LatentStudent(teacher.info(), latent.decoder())
                : null;
    }

    /** The student's kind, {@value LatentKinds#LATENT_SID}. */
    public String kind() {
        return LatentKinds.LATENT_SID;
    }

    /** The pixel student's info {@code oneStep} as this kind, with the teacher's autoencoder entries. */
    public ModelInfo info(ModelInfo oneStep) {
        Map<String, String> extra = new LinkedHashMap<>(oneStep.extra());
        for (String key : LatentKinds.RECORDED) {
            String value = teacher.extra().get(key);
            if (value != null) {
                extra.put(key, value);
            }
        }
        return new ModelInfo(kind(), oneStep.dataset(), oneStep.config(), oneStep.step(), oneStep.prompts(),
                oneStep.sigmas(), extra);
    }

    /** The teacher's decoder, saved beside the student's network (frozen: distillation never changes it). */
    public LatentDecoder decoder() {
        return decoder;
    }

    /** {@code latent}, a generator of scaled latents, followed by the decoder. */
    public Generator decoding(Generator latent) {
        return new LatentGenerator(latent, decoder);
    }

    /** Channels of the decoded images. */
    public int imageChannels() {
        return decoder.config().imageChannels();
    }

    /** Side of the decoded images. */
    public int imageSize() {
        return decoder.config().imageSize();
    }

    /** The names of the blocks saved beside the network, for messages. */
    public List<String> beside() {
        return List.of(LatentDecoder.NAME);
    }
}
