package dev.lowbit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit}: the command line. Every error prints one line to stderr and exits non-zero;
 * {@code --verbose} adds the stack trace.
 */
@Command(name = "lowbit",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Native-speed kernels for extremely low-bit tensors (VidKV KV caches, BitMoD weights).",
        subcommands = {
            DemoCommand.class,
            QuantizeCommand.class,
            InspectCommand.class,
            SimCommand.class,
            KvEvalCommand.class,
            KvGenCommand.class,
            WeightsEvalCommand.class,
            ModelEvalCommand.class,
            BenchCommand.class,
            FuzzCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean verbose = parsed.matchedOptionValue("--verbose", false)
                    || java.util.Arrays.asList(args).contains("--verbose");
            cmd.getErr().println("lowbit: " + oneLine(ex));
            if (verbose) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("lowbit: " + oneLine(ex) + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl.execute(args);
    }

    /** The exception's message on one line, with its type when it has no message. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lowbit " + (v == null ? "0.1.0-SNAPSHOT" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
