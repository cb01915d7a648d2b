package org.diskpaxos.sim;

/** Makes a fresh {@link Workload} per seed; one per {@code --protocol} value of {@code dplock sim}. */
public interface WorkloadFactory {

    /** The {@code --protocol} value, e.g. {@code disk-io}. */
    String protocol();

    /** One line for help texts. */
    String description();

    /** Virtual run length when {@code --duration} is not given. */
    long defaultDurationNs();

    Workload create();
}
