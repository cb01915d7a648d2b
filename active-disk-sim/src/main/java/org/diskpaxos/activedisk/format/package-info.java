/**
 * The agent's device format (version 1): one record per sector, each with a 24-byte header (magic, version, kind,
 * the sector's own index, CRC-32C, generation), little-endian throughout.
 *
 * <pre>
 *   sector 0                      superblock: agent id (128 bits), name, geometry
 *   per resource slot s (2 + 2K sectors):
 *     header copy 0, copy 1       the resource's name and read rank R
 *     instance slot k, copy 0/1   for k in [0, K): instance number, W, V (and the resource name again)
 *   per CAS block b (2 sectors):  copy 0, copy 1: 256 bytes of compare-and-write data
 * </pre>
 *
 * <p><b>Two copies per record.</b> A record is never overwritten in place: generation {@code g} goes to copy
 * {@code g & 1}, so the copy holding the last synced generation is untouched while the next one is written. The
 * loader takes the valid copy with the higher generation. A write torn or garbled by power loss therefore costs
 * only the unsynced change, never the acknowledged state before it (the simulator's power-loss model corrupts
 * unsynced sectors; real 512e disks can tear neighbouring logical sectors).
 *
 * <p><b>Where registers live.</b> The resource-name index is on the device: each resource's header names it, so a
 * restarted agent rebuilds its name table by reading every header. Resource {@code x} of an instance record must
 * match its header's name; a record that names another resource is left over from an unsynced creation and is
 * ignored. The sector index inside every record catches misdirected writes and reads.
 *
 * <p>Decoding never throws on bad media: it returns a {@link org.diskpaxos.activedisk.format.Verdict}. Glossary:
 * <em>slot</em>, a resource's fixed place on the device; <em>instance slot</em>, one of its K places for
 * instances ({@code instance mod K}); <em>copy</em>, one of the two sectors of a record; <em>generation</em>, how
 * many times the record was written.
 */
package org.diskpaxos.activedisk.format;
