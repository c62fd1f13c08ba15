package dev.lowbit.propertytests.reliability;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer fuzz test of the {@code .npy} reader (seed corpus in {@code NpyFuzzTestInputs/}). */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void npy(byte[] bytes) {
        FuzzTargets.npy(bytes);
    }
}
