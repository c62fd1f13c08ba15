package dev.lowbit.accelsim.model;

import dev.lowbit.accelsim.workload.Workload;
import java.util.List;

/**
 * One design running one workload: cycles and the energy split, with the per-layer detail.
 *
 * @param design   the design
 * @param workload the workload (model, phase, context)
 * @param array    the PE array used
 * @param layers   per-operation costs
 */
public record RunResult(Design design, Workload workload, ArrayShape array, List<LayerCost> layers) {
    public RunResult {
        layers = List.copyOf(layers);
    }

    /** Total cycles: Σ over layers of max(compute, DRAM). */
    public long cycles() {
        return layers.stream().mapToLong(LayerCost::cycles).sum();
    }

    /** Cycles the array computes (what compute energy is charged for). */
    public long computeCycles() {
        return layers.stream().mapToLong(LayerCost::computeCycles).sum();
    }

    /** Cycles the DRAM bus is busy. */
    public long dramCycles() {
        return layers.stream().mapToLong(LayerCost::dramCycles).sum();
    }

    /** Bytes over the DRAM bus. */
    public long dramBytes() {
        return layers.stream().mapToLong(LayerCost::dramBytes).sum();
    }

    /** Latency at {@link HardwareConstants#CLOCK_HZ}, seconds. */
    public double latencySeconds() {
        return cycles() / HardwareConstants.CLOCK_HZ;
    }

    /** PE energy, µJ. */
    public double computeUj() {
        return layers.stream().mapToDouble(LayerCost::computePj).sum() * 1e-6;
    }

    /** Buffer (SRAM) read and write energy, µJ. */
    public double sramUj() {
        return layers.stream().mapToDouble(l -> l.sramReadPj() + l.sramWritePj()).sum() * 1e-6;
    }

    /** DRAM energy, µJ. */
    public double dramUj() {
        return layers.stream().mapToDouble(LayerCost::dramPj).sum() * 1e-6;
    }

    /** All energy, µJ. */
    public double energyUj() {
        return computeUj() + sramUj() + dramUj();
    }
}
