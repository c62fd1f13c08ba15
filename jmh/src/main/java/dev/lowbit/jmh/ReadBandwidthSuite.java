package dev.lowbit.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code read_bw} rows: 1 GiB (DRAM) and 16 MiB (cache), 1 and 2 threads. */
public final class ReadBandwidthSuite implements BenchSuite {
    @Override
    public List<BenchCase> cases(boolean quick) {
        List<BenchCase> rows = new ArrayList<>();
        for (int mib : new int[] {16, 1024}) {
            for (int threads : new int[] {1, 2}) {
                rows.add(new BenchCase("read_bw", Integer.toString(mib), threads, "dev.lowbit.jmh.ReadBandwidthBench.read",
                        Map.of("mib", Integer.toString(mib), "threads", Integer.toString(threads)),
                        (long) mib << 20, null, false));
            }
        }
        return rows;
    }
}
