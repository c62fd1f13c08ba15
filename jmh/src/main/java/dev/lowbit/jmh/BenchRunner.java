package dev.lowbit.jmh;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link BenchCase}s with JMH, one forked JVM per row (incubator flags added), prints a
 * progress line per row and a summary, and writes the CSV
 * ({@code benchmark,tokens,threads,ms_per_step,gb_per_s,ratio_vs_fp32}) with JMH's JSON beside it.
 *
 * <p>{@code ms_per_step} is the median over the measurement iterations (JMH's mean is in the
 * JSON); {@code gb_per_s} = bytes read per operation / median time; {@code ratio_vs_fp32} =
 * the group baseline's median / this row's median (a speed-up; empty without a baseline).
 */
public final class BenchRunner {
    /** The CSV header, exactly. */
    public static final String CSV_HEADER = "benchmark,tokens,threads,ms_per_step,gb_per_s,ratio_vs_fp32";

    /** Iterations and times of one run mode. */
    public record Plan(int warmups, int warmupMs, int iterations, int iterationMs) {
        /** Calls run for milliseconds and the first ones are interpreted: warm up for seconds. */
        public static final Plan QUICK = new Plan(3, 1000, 3, 500);
        public static final Plan FULL = new Plan(5, 1000, 5, 1000);
    }

    /** One measured row. */
    public record Row(BenchCase c, double msMedian, double gbPerS, Double ratio, Double allocBytesPerOp) {
        String csv() {
            return String.format(Locale.ROOT, "%s,%s,%d,%.4f,%.3f,%s", c.benchmark(), c.tokens(), c.threads(), msMedian, gbPerS,
                    ratio == null ? "" : String.format(Locale.ROOT, "%.3f", ratio));
        }
    }

    private BenchRunner() {}

    /**
     * Runs {@code cases}; writes {@code csv} (and {@code csv} with a {@code .json} extension)
     * when {@code csv} is not null. {@code gcProfiler} adds JMH's {@code gc} profiler (allocation per op).
     */
    public static List<Row> run(List<BenchCase> cases, Plan plan, Path csv, boolean gcProfiler, PrintStream log)
            throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        // JMH (host and forks) prints JDK warnings (incubator module, its Unsafe use) through these streams: drop them
        System.setOut(new PrintStream(new WarningFilter(out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new WarningFilter(err), true, StandardCharsets.UTF_8));
        try {
            return runAll(cases, plan, csv, gcProfiler, log);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static List<Row> runAll(List<BenchCase> cases, Plan plan, Path csv, boolean gcProfiler, PrintStream log)
            throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> jsonParts = new ArrayList<>();
        Path tmp = Files.createTempFile("lowbit-jmh", ".json");
        try {
            int i = 0;
            for (BenchCase c : cases) {
                i++;
                log.printf(Locale.ROOT, "[%2d/%d] %-52s ", i, cases.size(), c.label());
                log.flush();
                RunResult r = runOne(c, plan, tmp, gcProfiler);
                jsonParts.add(stripBrackets(Files.readString(tmp, StandardCharsets.UTF_8)));
                Result<?> primary = r.getPrimaryResult();
                double ms = toMillis(primary.getStatistics().getPercentile(50), primary.getScoreUnit());
                double gb = c.bytesPerOp() / (ms * 1e-3) / 1e9;
                Double alloc = null;
                Result<?> a = r.getSecondaryResults().get("gc.alloc.rate.norm");
                if (a != null) {
                    alloc = a.getScore();
                }
                Row row = new Row(c, ms, gb, null, alloc);
                rows.add(row);
                log.printf(Locale.ROOT, "%10.4f ms/step %8.2f GB/s%s%n", ms, gb,
                        alloc == null ? "" : String.format(Locale.ROOT, "  alloc %.1f B/op", alloc));
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        rows = withRatios(rows);
        printSummary(rows, log);
        if (csv != null) {
            StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
            for (Row r : rows) {
                sb.append(r.csv()).append('\n');
            }
            Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
            Path json = jsonPathFor(csv);
            Files.writeString(json, "[\n" + String.join(",\n", jsonParts) + "\n]\n", StandardCharsets.UTF_8);
            log.println("wrote " + csv + " and " + json);
        }
        return rows;
    }

    /** {@code bench.csv} → {@code bench.json} beside it. */
    public static Path jsonPathFor(Path csv) {
        String name = csv.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return csv.resolveSibling(base + ".json");
    }

    private static RunResult runOne(BenchCase c, Plan plan, Path json, boolean gc) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(c.jmhMethod()) + "$")
                .forks(1)
                .warmupIterations(plan.warmups())
                .warmupTime(TimeValue.milliseconds(plan.warmupMs()))
                .measurementIterations(plan.iterations())
                .measurementTime(TimeValue.milliseconds(plan.iterationMs()))
                .jvmArgs("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
                        "-Xmx2g", "--sun-misc-unsafe-memory-access=allow")
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .result(json.toString())
                .resultFormat(ResultFormatType.JSON);
        for (Map.Entry<String, String> p : c.params().entrySet()) {
            o.param(p.getKey(), p.getValue());
        }
        if (gc) {
            o.addProfiler("gc");
        }
        try {
            Collection<RunResult> res = new Runner(o.build()).run();
            if (res.size() != 1) {
                throw new IllegalStateException("JMH returned " + res.size() + " results for " + c.label() + ", expected 1");
            }
            return res.iterator().next();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed on " + c.label() + ": " + e.getMessage(), e);
        }
    }

    /** Passes lines through, except those starting with {@code WARNING:}. */
    static final class WarningFilter extends java.io.OutputStream {
        private final PrintStream to;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WarningFilter(PrintStream to) {
            this.to = to;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flushLine();
            }
        }

        private void flushLine() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (!s.startsWith("WARNING:") && !s.isBlank()) {
                to.print(s);
            }
        }

        @Override
        public void flush() {
            if (line.size() > 0 && !line.toString(StandardCharsets.UTF_8).startsWith("WARNING:")) {
                flushLine();
            }
            to.flush();
        }
    }

    static double toMillis(double score, String unit) {
        return switch (unit) {
            case "ms/op" -> score;
            case "us/op" -> score / 1e3;
            case "ns/op" -> score / 1e6;
            case "s/op" -> score * 1e3;
            case "ops/s" -> 1e3 / score;   // throughput benchmarks (GEMV): the median rate is the median time
            case "ops/ms" -> 1 / score;
            default -> throw new IllegalStateException("unexpected JMH score unit " + unit);
        };
    }

    private static String stripBrackets(String json) {
        String s = json.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static List<Row> withRatios(List<Row> rows) {
        Map<String, Double> base = new HashMap<>();
        for (Row r : rows) {
            if (r.c().baseline() && r.c().ratioGroup() != null) {
                base.put(r.c().ratioGroup(), r.msMedian());
            }
        }
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            Double b = r.c().ratioGroup() == null ? null : base.get(r.c().ratioGroup());
            out.add(new Row(r.c(), r.msMedian(), r.gbPerS(), b == null ? null : b / r.msMedian(), r.allocBytesPerOp()));
        }
        return out;
    }

    private static void printSummary(List<Row> rows, PrintStream log) {
        log.println();
        log.printf(Locale.ROOT, "%-10s %-9s %-9s %7s %12s %9s %9s%n", "benchmark", "heads", "tokens", "threads", "ms/step", "GB/s", "vs fp32");
        for (Row r : rows) {
            log.printf(Locale.ROOT, "%-10s %-9s %-9s %7d %12.4f %9.2f %9s%n", r.c().benchmark(),
                    r.c().params().getOrDefault("heads", "-"), r.c().tokens(), r.c().threads(), r.msMedian(), r.gbPerS(),
                    r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2fx", r.ratio()));
        }
    }
}
