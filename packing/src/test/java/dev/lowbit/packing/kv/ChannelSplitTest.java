package dev.lowbit.packing.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChannelSplitTest {

    @Test
    void byRangeTakesTheWidestChannelsWithTiesToTheLowerIndex() {
        int d = 6;
        // two tokens; ranges per channel: 1, 5, 0, 5, 3, 2
        float[] x = {0, 0, 7, 0, 0, 0,
                     1, 5, 7, -5, 3, 2};
        ChannelSplit s = ChannelSplit.byRange(x, 0, 2, d, 3);
        assertArrayEquals(new int[] {1, 3, 4}, s.anomalous());
        assertArrayEquals(new int[] {0, 2, 5}, s.normal());
        assertEquals(ChannelSplit.explicit(d, 4, 1, 3), s);
    }

    @Test
    void bitBudgetMapsToAnomalousFraction() {
        assertEquals(64, ChannelSplit.anomalousCountForBits(1.5, 128));
        assertEquals(0, ChannelSplit.anomalousCountForBits(1.0, 128));
        assertEquals(128, ChannelSplit.anomalousCountForBits(2.0, 128));
        assertEquals(32, ChannelSplit.anomalousCountForBits(1.25, 128));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplit.anomalousCountForBits(2.5, 128));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplit.anomalousCountForBits(Double.NaN, 128));
    }

    @Test
    void refusesInvalidSplits() {
        assertThrows(IllegalArgumentException.class, () -> ChannelSplit.explicit(4, 4));
        assertThrows(IllegalArgumentException.class, () -> ChannelSplit.explicit(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ChannelSplit(3, new int[] {0}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new ChannelSplit(3, new int[] {2}, new int[] {1, 0}));
    }
}
