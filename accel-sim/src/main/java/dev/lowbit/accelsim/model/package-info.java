/**
 * The analytical accelerator model: {@link dev.lowbit.accelsim.model.AcceleratorModel} (tiles,
 * bit-serial latency, DRAM traffic with re-fetch, energy), the four published
 * {@link dev.lowbit.accelsim.model.Designs}, and every technology constant with its source in
 * {@link dev.lowbit.accelsim.model.HardwareConstants} and {@link dev.lowbit.accelsim.model.SramEnergyTable}.
 */
package dev.lowbit.accelsim.model;
