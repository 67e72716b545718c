package dev.fewstep.distill.sid;

import ai.djl.nn.Block;
import dev.fewstep.generate.Generator;
import dev.fewstep.latent.LatentStudent;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelInfo;
import java.util.List;

/**
 * The form the one-step student ships in, decided by its teacher: a pixel-space "sid" model, or, from a latent
 * teacher, a "latent-sid" model ({@link LatentStudent}) whose generator G works on the teacher's scaled latents and
 * whose file carries the teacher's decoder, so the shipped model (and every probe) sees decoded images. SiD's
 * networks and losses are the same in both: they only ever see the teacher's denoiser.
 */
interface StudentForm {
    /** The shipped model's kind. */
    String kind();

    /** The shipped model's info, from the pixel student's. */
    ModelInfo info(ModelInfo oneStep);

    /** Blocks saved beside the generator's network in the shipped file. */
    List<Block> beside();

    /** The shipped model's generator around the one-step generator G (the identity for pixels). */
    Generator images(Generator oneStep);

    /** Channels of the images {@link #images} returns. */
    int imageChannels();

    /** Side of the images {@link #images} returns. */
    int imageSize();

    static StudentForm of(DiffusionModel teacher) {
        LatentStudent latent = LatentStudent.of(teacher);
        return latent == null ? pixels(teacher.info()) : latent(latent);
    }

    private static StudentForm pixels(ModelInfo teacher) {
        return new StudentForm() {
            @Override
            public String kind() {
                return ModelInfo.SID;
            }

            @Override
            public ModelInfo info(ModelInfo oneStep) {
                return oneStep;
            }

            @Override
            public List<Block> beside() {
                return List.of();
            }

            @Override
            public Generator images(Generator oneStep) {
                return oneStep;
            }

            @Override
            public int imageChannels() {
                return teacher.config().imageChannels();
            }

            @Override
            public int imageSize() {
                return teacher.config().imageSize();
            }
        };
    }

    private static StudentForm latent(LatentStudent student) {
        return new StudentForm() {
            @Override
            public String kind() {
                return student.kind();
            }

            @Override
            public ModelInfo info(ModelInfo oneStep) {
                return student.info(oneStep);
            }

            @Override
            public List<Block> beside() {
                return List.of(student.decoder());
            }

            @Override
            public Generator images(Generator oneStep) {
                return student.decoding(oneStep);
            }

            @Override
            public int imageChannels() {
                return student.imageChannels();
            }

            @Override
            public int imageSize() {
                return student.imageSize();
            }
        };
    }
}
