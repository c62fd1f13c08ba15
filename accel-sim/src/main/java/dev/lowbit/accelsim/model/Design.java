package dev.lowbit.accelsim.model;

import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.Phase;
import java.util.Map;

/**
 * One accelerator design point: PE type, array sizes and the weight precision it runs each model at.
 *
 * @param id             short name used in CSV/JSON and on the command line ({@code fp16}, {@code ant}, ...)
 * @param displayName    name for tables and charts
 * @param bitSerial      true when a PE consumes the weight {@link HardwareConstants#BIT_SERIAL_BITS_PER_CYCLE}
 *                       bits a cycle; false when it does one full multiply per cycle
 * @param dotProductSize multiply-accumulates per PE per tile (p)
 * @param decodeArray    array used for decode
 * @param prefillArray   array used for prefill
 * @param peEnergyPj     energy of one PE for one cycle, pJ, before place-and-route scaling
 * @param peAreaUm2      area of one PE, µm²
 * @param decodeBits     weight bits (metadata included) per model id for decode
 * @param decodeDefault  weight bits for decode of a model not in {@code decodeBits}
 * @param prefillBits    weight bits per model id for prefill
 * @param prefillDefault weight bits for prefill of a model not in {@code prefillBits}
 * @param source         where these numbers come from
 */
public record Design(String id, String displayName, boolean bitSerial, int dotProductSize,
                     ArrayShape decodeArray, ArrayShape prefillArray, double peEnergyPj, double peAreaUm2,
                     Map<String, Double> decodeBits, double decodeDefault,
                     Map<String, Double> prefillBits, double prefillDefault, String source) {

    public Design {
        if (dotProductSize <= 0) {
            throw new IllegalArgumentException(id + ": dotProductSize: expected > 0, found " + dotProductSize);
        }
        if (!(peEnergyPj > 0)) {
            throw new IllegalArgumentException(id + ": peEnergyPj: expected > 0, found " + peEnergyPj);
        }
        decodeBits = Map.copyOf(decodeBits);
        prefillBits = Map.copyOf(prefillBits);
    }

    /** The array this design uses in {@code phase}. */
    public ArrayShape array(Phase phase) {
        return phase == Phase.DECODE ? decodeArray : prefillArray;
    }

    /**
     * The weight precision (bits per weight, metadata included) for {@code model} in {@code phase}:
     * the model's own value from its file when given, else the published per-model value, else the
     * design's default.
     */
    public double weightBits(ModelConfig model, Phase phase) {
        return model.weightBitsFor(id, phase).orElseGet(() -> phase == Phase.DECODE
                ? decodeBits.getOrDefault(model.id(), decodeDefault)
                : prefillBits.getOrDefault(model.id(), prefillDefault));
    }
}

