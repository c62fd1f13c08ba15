package dev.lowbit.propertytests.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer fuzz test of the quantized KV cache's append path (seed corpus in {@code KvCacheFuzzTestInputs/}). */
class KvCacheFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void append(FuzzedDataProvider data) {
        KvAppendTarget.append(data);
    }
}
