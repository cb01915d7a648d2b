/**
 * The block-device I/O benchmark behind {@code dplock bench-io}: latency percentiles of synchronous sector writes and
 * of reads per backend, measured side by side with {@code dd} doing the same transfers, so the ratio is taken on one
 * machine at one moment.
 */
package org.diskpaxos.blockdev.bench;
