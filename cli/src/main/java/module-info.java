/** The {@code lowbit} command line. */
module dev.lowbit.cli {
    requires dev.lowbit.packing;
    requires dev.lowbit.kernels;
    requires dev.lowbit.accelsim;
    requires dev.lowbit.model;
    requires info.picocli;
    requires org.knowm.xchart;
    requires java.desktop;
    requires dev.lowbit.jmh;

    opens dev.lowbit.cli to info.picocli;
}
