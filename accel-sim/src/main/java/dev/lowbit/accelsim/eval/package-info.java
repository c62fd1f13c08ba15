/**
 * Runs designs over models and phases ({@link dev.lowbit.accelsim.eval.Evaluation}): speed-ups and
 * energy efficiency against FP16, BitMoD's geometric and arithmetic mean advantage over ANT and
 * OliVe beside the paper's, and text/CSV/JSON rendering ({@link dev.lowbit.accelsim.eval.SimReport}).
 */
package dev.lowbit.accelsim.eval;
