package dev.fewstep.latent;

import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.StudentGenerator;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.io.Json;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelKind;
import java.util.List;
import java.util.Map;

/**
 * The kinds package latent ships: "latent", a teacher whose U-Net denoises scaled latents (EDM's preconditioning,
 * any sampler, guidance) and whose generator decodes them with the autoencoder's decoder kept in the same file; and
 * "latent-sid", SiD's one-step student of such a teacher (G(z) = D(σ_init z; σ_init) on latent noise, then the same
 * decoder). Their info says which autoencoder, its shape, the scale s and the images' size.
 */
public final class LatentKinds implements ModelKind.Source {
    public static final String LATENT = "latent";
    public static final String LATENT_SID = "latent-sid";
    static final String AUTOENCODER = "autoencoder";
    static final String AUTOENCODER_SHA256 = "autoencoder_sha256";
    static final String AUTOENCODER_CONFIG = "autoencoder_config";
    static final String SCALE = "latent_scale";
    static final String LATENTS = "latents";
    /** The info entries a latent teacher records about its autoencoder, copied into its students' info. */
    static final java.util.List<String> RECORDED = java.util.List.of(AUTOENCODER, AUTOENCODER_SHA256, AUTOENCODER_CONFIG,
            SCALE, LATENTS, ModelInfo.IMAGE_SIZE, ModelInfo.IMAGE_CHANNELS);

    public static final ModelKind KIND = new ModelKind(LATENT, ModelKind.TEACHER,
            (network, info, weights, manager) -> new LatentDenoiser(new EdmDenoiser(network),
                    LatentDecoder.load(autoencoderConfig(info), scale(info), weights, "the decoder of a latent model",
                            manager)),
            (info, around, own) -> new LatentGenerator(new TeacherGenerator(around),
                    own instanceof LatentDenoiser latent ? latent.decoder() : null));

    public static final ModelKind STUDENT = new ModelKind(LATENT_SID, ModelKind.STUDENT,
            (network, info, weights, manager) -> new LatentDenoiser(new EdmDenoiser(network),
                    LatentDecoder.load(autoencoderConfig(info), scale(info), weights, "the decoder of a latent student",
                            manager)),
            (info, around, own) -> new LatentGenerator(new StudentGenerator(around, info.sigmas()),
                    own instanceof LatentDenoiser latent ? latent.decoder() : null));

    /**
     * Refuses, with a reason a user can act on, what is not built for latent models yet instead of giving a wrong
     * result: the distillers other than SiD and the adapters would train in latent space and write a model without
     * the decoder.
     *
     * @param what the refused use, e.g. "eval"
     */
    public static void refuseUnbuilt(ModelInfo info, String what) {
        if (LATENT.equals(info.kind()) || LATENT_SID.equals(info.kind())) {
            throw new IllegalArgumentException(what + " on a latent model (" + info.dataset() + " at "
                    + info.imageSize() + "×" + info.imageSize() + ") is not built yet: of the distillers only"
                    + " 'distill sid' works in latent space (docs/latent.md)");
        }
    }

    /** {@link #refuseUnbuilt(ModelInfo, String)} for a model folder, read from its metadata alone. */
    public static void refuseUnbuilt(java.nio.file.Path dir, String what) {
        java.nio.file.Path weights = dir.resolve(dev.fewstep.model.ModelStore.WEIGHTS);
        if (java.nio.file.Files.isRegularFile(weights)) {
            refuseUnbuilt(ModelInfo.fromMetadata(dev.fewstep.io.SafeTensors.readStored(weights).metadata(),
                    weights.toString()), what);
        }
    }

    @Override
    public List<ModelKind> kinds() {
        return List.of(KIND, STUDENT);
    }

    /** The entries a latent model's info adds to its teacher's. */
    static Map<String, String> extra(String autoencoder, String sha256, AutoencoderConfig config, LatentScale scale) {
        return Map.of(AUTOENCODER, autoencoder, AUTOENCODER_SHA256, sha256, AUTOENCODER_CONFIG, Json.write(config),
                SCALE, Double.toString(scale.scale()), LATENTS, "posterior means",
                ModelInfo.IMAGE_SIZE, Integer.toString(config.imageSize()),
                ModelInfo.IMAGE_CHANNELS, Integer.toString(config.imageChannels()));
    }

    public static AutoencoderConfig autoencoderConfig(ModelInfo info) {
        String json = info.extra().get(AUTOENCODER_CONFIG);
        if (json == null) {
            throw new CheckpointException("a latent model's info lacks '" + AUTOENCODER_CONFIG + "'");
        }
        try {
            return Json.read(json, AutoencoderConfig.class, "a latent model", "autoencoder config").validated();
        } catch (RuntimeException e) {
            throw new CheckpointException("a latent model has a corrupt '" + AUTOENCODER_CONFIG + "': " + e.getMessage(), e);
        }
    }

    public static LatentScale scale(ModelInfo info) {
        try {
            return new LatentScale(Double.parseDouble(info.extra().get(SCALE)));
        } catch (RuntimeException e) {
            throw new CheckpointException("a latent model has no valid '" + SCALE + "' (" + e.getMessage() + ")", e);
        }
    }
}
