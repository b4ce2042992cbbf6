package org.ketabridge.bench;

import org.ketabridge.validation.GateDifferential;

/**
 * The validation gate's differential proof at scale: {@link GateDifferential} with many generated
 * records per golden case and adversarial mutations of every few of them (100,000 cases and more
 * with the defaults). Prints the counts; exits non-zero on any disagreement.
 *
 * <pre>
 * ./mvnw -Pbench test-compile exec:exec -Dbench.main=org.ketabridge.bench.GateDifferentialRun \
 *   -Dbench.args="--seed 2026 --generated 340 --mutate-every 1"
 * </pre>
 */
public final class GateDifferentialRun {

    public static void main(String[] args) throws Exception {
        long seed = 2026;
        int generated = 340;
        int mutateEvery = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--generated" -> generated = Integer.parseInt(args[i + 1]);
                case "--mutate-every" -> mutateEvery = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long start = System.nanoTime();
        GateDifferential.Result result = new GateDifferential().run(seed, generated, mutateEvery);
        System.out.printf("gate differential run (seed %d, %d generated per case, mutations of every %d-th): %s, %d s%n",
                seed, generated, mutateEvery, result, (System.nanoTime() - start) / 1_000_000_000);
        result.disagreements().forEach(d -> System.out.println("DISAGREEMENT " + d));
        result.metamorphic().forEach(d -> System.out.println("METAMORPHIC " + d));
        result.unchangedKeys().forEach(d -> System.out.println("UNCHANGED KEY " + d));
        boolean clean = result.disagreements().isEmpty() && result.metamorphic().isEmpty() && result.unchangedKeys().isEmpty();
        System.exit(clean ? 0 : 1);
    }
}
