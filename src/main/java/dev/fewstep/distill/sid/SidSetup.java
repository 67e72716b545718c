package dev.fewstep.distill.sid;

import dev.fewstep.data.ImageDataset;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a distillation starts from besides its settings: the teacher (by name and the SHA-256 of its weights, so a
 * resume can tell if they changed), SiDA's training images, and the student a run may start its generator from.
 *
 * @param realData training images for SiDA's adversarial term; null for data-free SiD
 * @param initialStudent a one-step student folder whose weights start the generator (SiD²A, or a data-free run
 *     continuing a student whose state is lost), or null for the teacher's
 */
public record SidSetup(String teacherName, String teacherDigest, ImageDataset realData, Path initialStudent) {

    /** @throws IllegalArgumentException if the student would be written into the teacher's folder */
    public static SidSetup of(Path teacherDir, Path outDir, ImageDataset realData, Path initialStudent) throws IOException {
        if (outDir.toAbsolutePath().normalize().equals(teacherDir.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must not be the teacher's folder " + teacherDir);
        }
        return new SidSetup(teacherDir.getFileName().toString(), ModelStore.sha256(teacherDir.resolve(ModelStore.WEIGHTS)), realData,
                initialStudent);
    }

    /** Refuses a teacher, data or config that do not fit together. */
    SidSetup checkedFor(SidConfig config, DiffusionModel teacher) {
        if (!teacher.kind().isTeacher()) {
            throw new IllegalArgumentException(teacherName + " is a distilled model (kind " + teacher.info().kind()
                    + "); distil from a teacher");
        }
        if (teacher.info().prompts().isEmpty()) {
            throw new IllegalArgumentException(teacherName + " has no prompt vocabulary to distil on");
        }
        if (config.adversarial() != (realData != null)) {
            throw new IllegalArgumentException(config.adversarial() ? "the adversarial term (SiDA) needs the training images"
                    : "training images are only read by the adversarial term (SiDA)");
        }
        if (config.matchingAware() && realData.prompts().size() < 2) {
            throw new IllegalArgumentException("the matching-aware discriminator needs training images of at least two"
                    + " prompts; " + realData.name() + " has " + realData.prompts().size());
        }
        var shape = teacher.info().config();
        if (realData != null && (realData.channels() != shape.imageChannels() || realData.size() != shape.imageSize())) {
            throw new IllegalArgumentException("the training images are " + realData.channels() + "x" + realData.size()
                    + "x" + realData.size() + " but the teacher makes " + shape.imageChannels() + "x"
                    + shape.imageSize() + "x" + shape.imageSize());
        }
        return this;
    }

    /** Loads the student into the generator; its average's half-life ramps on from the images the student had seen. */
    /** @param kind the kind of student this run ships, which the one it starts from must be */
    SidRecord startFromStudent(UNet generatorNetwork, SidConfig config, String kind) {
        Path weights = initialStudent.resolve(ModelStore.WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("no student model at " + weights);
        }
        SafeTensors.Contents contents = SafeTensors.read(weights);
        ModelInfo student = ModelInfo.fromMetadata(contents.metadata(), weights.toString());
        if (!kind.equals(student.kind()) || !student.config().equals(generatorNetwork.config())
                || !student.sigmas().equals(List.of(config.loss().sigmaInit()))) {
            throw new IllegalArgumentException(initialStudent + " is not a one-step student of this network with"
                    + " sigma_init " + config.loss().sigmaInit() + " (kind " + student.kind() + ")");
        }
        Weights.load(generatorNetwork, contents.tensors(), weights.toString());
        SidRecord record = new SidRecord();
        record.initializedFrom = initialStudent.getFileName() + " at step " + student.step();
        String studentSid = student.extra().get("sid");
        int studentBatch = studentSid == null ? config.run().batch() : SidConfig.fromJson(studentSid, weights.toString()).run().batch();
        record.studentImages = student.step() * studentBatch;
        return record;
    }

    /** The student's metadata at a checkpoint. */
    ModelInfo info(SidConfig config, SidRecord record, ModelInfo teacher, long iteration, double seconds,
            Map<String, Double> means) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("method", config.adversarial()
                ? "SiDA (Zhou et al. 2024), SiD-LSG with an adversarial term on " + realData.name() + " training images, one step"
                : "SiD-LSG (Zhou et al. 2024), data-free, one step");
        record.writeTo(extra);
        extra.put("sid", config.toJson());
        extra.put("teacher", teacherName);
        extra.put("teacher_step", Long.toString(teacher.step()));
        extra.put("teacher_sha256", teacherDigest);
        extra.put("distill_seconds", String.format("%.1f", seconds));
        double fakeLoss = means.getOrDefault("fake_loss", Double.NaN);
        double generatorLoss = means.getOrDefault("generator_loss", Double.NaN);
        if (Double.isFinite(fakeLoss)) {
            extra.put("fake_loss", String.format("%.5f", fakeLoss));
        }
        if (Double.isFinite(generatorLoss)) {
            extra.put("generator_loss", String.format("%.6f", generatorLoss));
        }
        return new ModelInfo(ModelInfo.SID, teacher.dataset(), teacher.config(), iteration, teacher.prompts(),
                List.of(config.loss().sigmaInit()), extra);
    }
}
