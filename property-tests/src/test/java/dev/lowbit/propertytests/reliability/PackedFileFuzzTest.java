package dev.lowbit.propertytests.reliability;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of the packed-file reader. Without {@code JAZZER_FUZZ} they replay the
 * seed corpus under {@code src/test/resources/.../PackedFileFuzzTestInputs/} (part of
 * {@code ./lowbit test}); {@code lowbit fuzz --target packed-file} fuzzes them with coverage.
 */
class PackedFileFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void packedFile(byte[] bytes) {
        FuzzTargets.packedFile(bytes);
    }

    @FuzzTest(maxDuration = "60s")
    void packedFileWithValidChecksums(byte[] bytes) {
        FuzzTargets.packedFileWithValidChecksums(bytes);
    }
}
