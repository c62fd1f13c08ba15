package dev.lowbit.propertytests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every Surefire run of this module, the forced-species GEMV re-runs included, hands QuickTheories a
 * seed (QT_SEED, from -Dlowbit.seed): without one each run would draw an unrecorded seed from the
 * clock and a failure could not be replayed.
 */
class PropertySeedTest {
    @Test
    void quickTheoriesSeedIsSet() {
        String seed = System.getProperty("QT_SEED");
        assertNotNull(seed, "QT_SEED is not set: the Surefire configuration must pass <QT_SEED>${lowbit.seed}</QT_SEED>");
        assertTrue(seed.matches("-?[0-9]+"), "QT_SEED must be a long, was '" + seed + "'");
    }
}
