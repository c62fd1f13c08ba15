/** The bit-accurate BitMoD processing element: unified sign·mantissa·2^exp weights consumed two bits a cycle, INT8 or exponent-aligned FP16 activations, exact integer accumulation, one rescale per group, cycle counts. */
package dev.lowbit.accelsim.pe;
