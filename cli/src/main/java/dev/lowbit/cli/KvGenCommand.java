package dev.lowbit.cli;

import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.kv.KvCacheGenerator;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lowbit kv-gen}: writes a synthetic video-LLM KV cache (see {@link KvCacheGenerator}) as .npy files. */
@Command(name = "kv-gen", header = "Write a synthetic video-LLM KV cache as .npy files", description = "Write a synthetic video-LLM-like KV cache (K.npy, V.npy, Q.npy, vision.npy, text.npy) for kv-eval.")
final class KvGenCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed; equal options give identical files (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kv-heads", defaultValue = "4", description = "KV heads (default ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(names = "--head-dim", defaultValue = "128", description = "Channels per head, even (default ${DEFAULT-VALUE}).")
    int headDim;

    @Option(names = "--frames", defaultValue = "16", description = "Video frames (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--tokens-per-frame", defaultValue = "144", description = "Visual tokens per frame (default ${DEFAULT-VALUE}).")
    int tokensPerFrame;

    @Option(names = "--text-prefix", defaultValue = "32", description = "System text tokens before the video (default ${DEFAULT-VALUE}).")
    int textPrefix;

    @Option(names = "--text-suffix", defaultValue = "64", description = "Question text tokens after the video (default ${DEFAULT-VALUE}).")
    int textSuffix;

    @Override
    public Integer call() throws Exception {
        KvCacheGenerator gen = new KvCacheGenerator(kvHeads, headDim, frames, tokensPerFrame, textPrefix, textSuffix, seed);
        Files.createDirectories(out);
        try (Arena arena = Arena.ofConfined()) {
            KvCacheGenerator.Cache c = gen.generate(arena);
            Npy.write(c.keys(), out.resolve("K.npy"));
            Npy.write(c.values(), out.resolve("V.npy"));
            Npy.write(c.vision(), out.resolve("vision.npy"));
            Npy.write(c.text(), out.resolve("text.npy"));
            Npy.write(c.queries(), out.resolve("Q.npy"));
        }
        System.out.printf("wrote %s/{K,V,Q,vision,text}.npy: %d kv heads x %d tokens (%d text + %d visual + %d text) x %d channels%n",
                out, kvHeads, gen.tokens(), textPrefix, gen.visionTokens(), textSuffix, headDim);
        System.out.printf("evaluate with: lowbit kv-eval --k %s --v %s --q %s --vision %s --text %s --vision-start %d%n",
                out.resolve("K.npy"), out.resolve("V.npy"), out.resolve("Q.npy"), out.resolve("vision.npy"), out.resolve("text.npy"), gen.visionStart());
        return 0;
    }
}
