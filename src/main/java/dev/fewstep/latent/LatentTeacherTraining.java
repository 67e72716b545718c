package dev.fewstep.latent;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.CheckpointException;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.nn.UNet;
import dev.fewstep.nn.UNetConfig;
import dev.fewstep.train.TeacherTraining;
import dev.fewstep.train.TrainConfig;
import dev.fewstep.train.loop.Iteration;
import dev.fewstep.train.loop.Slot;
import dev.fewstep.train.loop.Snapshot;
import dev.fewstep.train.loop.TrainingMethod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latent diffusion's second stage (Rombach et al. 2022, Section 3.3, Eq. 2): the EDM teacher's training, unchanged,
 * on the scaled posterior means of the training images ({@link LatentDataset}); the shipped file is a "latent" model:
 * the averaged U-Net with the autoencoder's decoder beside it. A resume is refused when the autoencoder changed.
 */
public final class LatentTeacherTraining implements TrainingMethod, AutoCloseable {
    private final TeacherTraining teacher;
    private final LatentDecoder decoder;
    private final Map<String, String> latentExtra;
    private final String autoencoderSha256;

    /**
     * @param latents the encoded training set
     * @param autoencoder the autoencoder that encoded it, its decoder copied into the shipped model
     * @param autoencoderName how the model names its autoencoder (the folder's name)
     * @param autoencoderSha256 the autoencoder file's SHA-256
     */
    public LatentTeacherTraining(TrainConfig config, LatentDataset.Encoded latents, Autoencoder autoencoder,
            String autoencoderName, String autoencoderSha256) {
        this.teacher = new TeacherTraining(config, latents.latents());
        this.decoder = LatentDecoder.of(autoencoder, latents.scale(), teacher.manager());
        this.autoencoderSha256 = autoencoderSha256;
        this.latentExtra = LatentKinds.extra(autoencoderName, autoencoderSha256, autoencoder.config(), latents.scale());
    }

    public UNetConfig networkConfig() {
        return teacher.networkConfig();
    }

    @Override
    public String kind() {
        return LatentKinds.LATENT;
    }

    @Override
    public RunSettings run() {
        return teacher.run();
    }

    @Override
    public List<Slot> slots() {
        return teacher.slots();
    }

    @Override
    public void continueFrom(ModelInfo saved, Map<String, String> metadata) {
        String savedSha = saved.extra().get(LatentKinds.AUTOENCODER_SHA256);
        if (!autoencoderSha256.equals(savedSha)) {
            throw new CheckpointException("the state was trained on the latents of another autoencoder (SHA-256 "
                    + savedSha + "; this run's is " + autoencoderSha256 + ")");
        }
        teacher.continueFrom(saved, metadata);
    }

    @Override
    public void start(Path dir) throws IOException {
        teacher.start(dir);
    }

    @Override
    public Map<String, Double> iterate(Iteration iteration) {
        return teacher.iterate(iteration);
    }

    @Override
    public UNet shipped() {
        return teacher.shipped();
    }

    @Override
    public List<Block> shippedBeside() {
        return List.of(decoder);
    }

    @Override
    public ModelInfo info(long iteration, double seconds, Map<String, Double> means) {
        ModelInfo info = teacher.info(iteration, seconds, means);
        Map<String, String> extra = new LinkedHashMap<>(info.extra());
        extra.putAll(latentExtra);
        return new ModelInfo(LatentKinds.LATENT, info.dataset(), info.config(), info.step(), info.prompts(),
                info.sigmas(), extra);
    }

    @Override
    public NDManager manager() {
        return teacher.manager();
    }

    /**
     * The teacher in latent space (its samples are latents, not decoded): {@link Snapshot} makes images of the
     * noise's shape, and the train command runs no probe.
     */
    @Override
    public Snapshot snapshot(NDManager scope) {
        return teacher.snapshot(scope);
    }

    @Override
    public void close() {
        teacher.close();
    }
}
