/**
 * LLM workloads for the accelerator model: model shapes ({@link dev.lowbit.accelsim.workload.ModelConfig},
 * the six published ones in {@link dev.lowbit.accelsim.workload.ModelCatalog}, user ones from
 * {@link dev.lowbit.accelsim.workload.ModelFile}) turned into the matrix operations of one decode
 * or prefill pass ({@link dev.lowbit.accelsim.workload.Workload}).
 */
package dev.lowbit.accelsim.workload;
