package dev.lowbit.cli;

import dev.lowbit.jmh.BenchCase;
import dev.lowbit.jmh.BenchRegistry;
import dev.lowbit.jmh.BenchRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit bench}: the JMH suite (attention schemes, read bandwidth, and whatever the
 * {@link BenchRegistry} lists), one forked JVM per row.
 */
@Command(name = "bench", header = "Run the JMH suite (attention, GEMV, memory bandwidth)", mixinStandardHelpOptions = true, description = {
    "Runs the JMH benchmark suite: decode attention (scalar, fp32, fp16, kivi2, vidkv) at 1 and 2 threads,",
    "sequential-read bandwidth, and every suite in dev.lowbit.jmh.BenchRegistry. One forked JVM per row."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Short subset and iterations (under 5 minutes).")
    boolean quick;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the CSV here (JMH's JSON goes beside it, FILE with .json).")
    Path csv;

    @Option(names = "--only", paramLabel = "NAMES", split = ",",
            description = "Run only these benchmark names (e.g. fp32,vidkv,read_bw).")
    List<String> only;

    @Option(names = "--gc", description = "Add JMH's gc profiler and print allocated bytes per operation.")
    boolean gc;

    @Option(names = "--list", description = "List the rows that would run, and exit.")
    boolean list;

    @Override
    public Integer call() throws Exception {
        List<BenchCase> cases = new ArrayList<>();
        for (BenchCase c : BenchRegistry.cases(quick)) {
            if (only == null || only.contains(c.benchmark())) {
                cases.add(c);
            }
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("--only " + only + " matches no benchmark; known: "
                    + Arrays.toString(BenchRegistry.cases(false).stream().map(BenchCase::benchmark).distinct().toArray()));
        }
        if (list) {
            cases.forEach(c -> System.out.println(c.label()));
            return 0;
        }
        if (csv != null && csv.toAbsolutePath().getParent() != null && !java.nio.file.Files.isDirectory(csv.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--csv " + csv + ": directory " + csv.toAbsolutePath().getParent() + " does not exist");
        }
        System.out.printf(Locale.ROOT, "lowbit bench%s: %d rows, %s, %d CPUs, %s%n", quick ? " --quick" : "", cases.size(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), Runtime.getRuntime().availableProcessors(),
                cpuName());
        BenchRunner.run(cases, quick ? BenchRunner.Plan.QUICK : BenchRunner.Plan.FULL, csv, gc, System.out);
        return 0;
    }

    /** The CPU model from /proc/cpuinfo, or "unknown CPU". */
    static String cpuName() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (Exception e) {
            // not Linux: fall through
        }
        return "unknown CPU";
    }
}
