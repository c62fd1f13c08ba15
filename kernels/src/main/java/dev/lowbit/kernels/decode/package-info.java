/** Bulk decode of packed groups into float tiles: the codec reference and the Vector API kernel. */
package dev.lowbit.kernels.decode;
