package dev.lowbit.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit fuzz}: coverage-guided fuzzing with Jazzer of the {@code @FuzzTest}s in
 * {@code property-tests} (package {@code dev.lowbit.propertytests.reliability}).
 *
 * <p>How: for each target it runs Maven on the source tree, {@code mvn test -pl property-tests -am
 * -Dtest=Class#method}, with {@code JAZZER_FUZZ=1} (fuzzing instead of replaying the seeds) and
 * {@code JAZZER_MAX_DURATION} (the time budget). The corpus grows in
 * {@code property-tests/.cifuzz-corpus/}; a failing input is saved next to the seeds in
 * {@code property-tests/src/test/resources/.../<Class>Inputs/<method>/}, from where
 * {@code ./lowbit test} replays it as a regression test.
 */
@Command(name = "fuzz", header = "Fuzz parsers, decoders and quantizers (Jazzer)", description = "Fuzz lowbit's parsers, decoders and quantizers with Jazzer (coverage-guided; needs the source tree and Maven).")
final class FuzzCommand implements Callable<Integer> {
    static final String PACKAGE = "dev.lowbit.propertytests.reliability.";

    /** Target name to the fuzz test that implements it ({@code Class#method}). */
    static final Map<String, String> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("packed-file", "PackedFileFuzzTest#packedFile");
        TARGETS.put("packed-file-crc-fixed", "PackedFileFuzzTest#packedFileWithValidChecksums");
        TARGETS.put("npy", "NpyFuzzTest#npy");
        TARGETS.put("decode", "CodecFuzzTest#decode");
        TARGETS.put("quantize", "CodecFuzzTest#quantize");
        TARGETS.put("kv-append", "KvCacheFuzzTest#append");
    }

    @Option(names = "--seconds", defaultValue = "60", description = "Fuzzing time per target in seconds (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--target", defaultValue = "all", description = "A target (see --list) or 'all' (each in turn, --seconds each).")
    String target;

    @Option(names = "--list", description = "List the targets and exit.")
    boolean list;

    @Option(names = "--root", description = "The lowbit source tree (default: found from where this CLI runs).")
    Path root;

    @Option(names = "--offline", description = "Run Maven offline (-o).")
    boolean offline;

    @Override
    public Integer call() throws Exception {
        if (list) {
            TARGETS.forEach((n, t) -> System.out.printf("%-22s %s%n", n, PACKAGE + t));
            return 0;
        }
        if (seconds <= 0) {
            throw new IllegalArgumentException("--seconds must be > 0, was " + seconds);
        }
        List<String> chosen = targets(target);
        Path tree = root != null ? root : findSourceTree();
        if (!Files.isRegularFile(tree.resolve("property-tests/pom.xml"))) {
            throw new IllegalArgumentException("--root " + tree + " is not the lowbit source tree (no property-tests/pom.xml)");
        }
        List<String> findings = new ArrayList<>();
        for (String name : chosen) {
            System.out.printf("lowbit fuzz: %s for %d s (%s)%n", name, seconds, PACKAGE + TARGETS.get(name));
            int rc = runMaven(tree, TARGETS.get(name));
            if (rc != 0) {
                findings.add(name);
                System.out.printf("lowbit fuzz: %s FAILED (Maven exit %d): a crashing input, if any, was saved under "
                        + "property-tests/src/test/resources/dev/lowbit/propertytests/reliability/%sInputs/%n",
                        name, rc, TARGETS.get(name).replace("#", "Inputs/"));
            } else {
                System.out.printf("lowbit fuzz: %s: no finding in %d s%n", name, seconds);
            }
        }
        if (!findings.isEmpty()) {
            throw new IllegalStateException("fuzzing found failures in " + String.join(", ", findings)
                    + "; replay them with ./lowbit test");
        }
        return 0;
    }

    /** The targets named by {@code spec}: one name, or all of them for {@code all}. */
    static List<String> targets(String spec) {
        if (spec.equalsIgnoreCase("all")) {
            return List.copyOf(TARGETS.keySet());
        }
        if (!TARGETS.containsKey(spec)) {
            throw new IllegalArgumentException("unknown fuzz target '" + spec + "'; expected 'all' or one of "
                    + String.join(", ", TARGETS.keySet()));
        }
        return List.of(spec);
    }

    private int runMaven(Path tree, String test) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-q", "-f", tree.resolve("pom.xml").toString()));
        if (offline) {
            cmd.add("-o");
        }
        cmd.addAll(List.of("test", "-pl", "property-tests", "-am", "-Dtest=" + PACKAGE + test,
                "-Dsurefire.failIfNoSpecifiedTests=false"));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("JAZZER_FUZZ", "1");
        pb.environment().put("JAZZER_MAX_DURATION", seconds + "s");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("lowbit fuzz runs Maven: 'mvn' was not found on the PATH (" + e.getMessage() + ")", e);
        }
        return p.waitFor();
    }

    /** The source tree: up from this class's location (cli/target/classes), else the working directory. */
    static Path findSourceTree() {
        try {
            Path p = Path.of(FuzzCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("property-tests" + File.separator + "pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(cwd.resolve("property-tests/pom.xml"))) {
            return cwd;
        }
        throw new IllegalArgumentException("lowbit fuzz needs the lowbit source tree; pass --root DIR");
    }
}
