package dev.lowbit.propertytests.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of every format's validate/decode over arbitrary bytes and shapes, and of
 * every quantizer over arbitrary floats (seed corpus in {@code CodecFuzzTestInputs/}).
 */
class CodecFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        FuzzTargets.decode(data);
    }

    @FuzzTest(maxDuration = "60s")
    void quantize(FuzzedDataProvider data) {
        FuzzTargets.quantize(data);
    }
}
