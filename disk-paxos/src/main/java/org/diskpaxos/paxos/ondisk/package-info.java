/**
 * sanlock-compatible on-disk records, byte for byte: codecs, area geometry, validation, initial images and a
 * human-readable renderer. Everything here is pure (no I/O, no clock, no threads), so the Disk Paxos core, the
 * production drivers, the simulator and {@code dplock dump} all use the same code.
 *
 * <h2>Shape</h2>
 * One {@code *Descriptor} per record kind holds the layout (a byte diagram in its Javadoc, offsets chained from the
 * previous field, layout facts asserted in a static initializer and in {@code LayoutTest}) and the encoder and
 * decoder side by side; the fields travel as Java records ({@link org.diskpaxos.paxos.ondisk.LeaderRecord},
 * {@link org.diskpaxos.paxos.ondisk.Dblock}, ...). Byte order is owned by one class, {@code LittleEndian}.
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>Decoding never throws on media bytes: it returns a {@link org.diskpaxos.paxos.ondisk.Decoded} with a
 *     {@link org.diskpaxos.paxos.ondisk.Verdict}. Encoding throws only for programmer errors (a name that does not fit,
 *     a buffer too small).</li>
 * <li>Checksums are computed by the encoder over the encoded little-endian bytes, never carried in the records.</li>
 * <li>A record never spans sectors: leader ≤ 256 bytes, dblock ≤ 128 bytes, mode block at +128.</li>
 * <li>Fields outside a checksum (leader {@code io_timeout} and {@code write_*}, dblock {@code flags}, mode block,
 *     request record, bitmap, resource index) are not protected: a bit flip there is not detected. Our lock value
 *     block ({@link org.diskpaxos.paxos.ondisk.LvbDescriptor}) is: unlike sanlock's raw LVB sector it carries a
 *     CRC-32C.</li>
 * </ul>
 *
 * <h2>Glossary</h2>
 * <table>
 * <caption>names kept from sanlock and from Gafni &amp; Lamport's Disk Paxos</caption>
 * <tr><td>lockspace</td><td>an area of delta leases, one sector per host id; holding delta lease h = being host h</td></tr>
 * <tr><td>resource</td><td>an area holding one paxos lease: leader, request record, one sector per host</td></tr>
 * <tr><td>leader</td><td>the leader record: for a resource, the cached decision of the last Paxos instance (owner,
 *     lver, timestamp); for a lockspace slot, the host's delta lease</td></tr>
 * <tr><td>dblock</td><td>a host's Disk Paxos block in a resource: {@code dblock[p]} of the paper</td></tr>
 * <tr><td>mbal</td><td>the highest ballot number the host has started (phase 1 writes it)</td></tr>
 * <tr><td>bal</td><td>the ballot in which the host last wrote {@code inp} (phase 2 sets {@code bal = mbal})</td></tr>
 * <tr><td>inp</td><td>the proposed value's owner host id; 0 = the paper's NotAnInput</td></tr>
 * <tr><td>inp2</td><td>the proposed owner's host generation</td></tr>
 * <tr><td>inp3</td><td>the proposer's monotonic timestamp, copied into the leader's timestamp</td></tr>
 * <tr><td>lver</td><td>lease version = Paxos instance number; +1 per decided owner; our fencing token</td></tr>
 * <tr><td>generation</td><td>incremented each time a host id is acquired in a lockspace; tells a restarted host from
 *     its previous life</td></tr>
 * <tr><td>timestamp</td><td>the writer's monotonic seconds, only ever compared for change; 0 = free</td></tr>
 * <tr><td>num_hosts / max_hosts</td><td>dblocks a ballot scans / host slots in the area (and the mbal stride)</td></tr>
 * <tr><td>sector size / align size</td><td>512 or 4096 bytes / the size of one area: 1, 2, 4 or 8 MiB</td></tr>
 * <tr><td>mode block</td><td>shared-holder flag and generation at +128 in a host's resource sector</td></tr>
 * <tr><td>request record</td><td>sector 1 of a resource: a request (lver, force mode) that the holder let go</td></tr>
 * <tr><td>LVB</td><td>lock value block: one sector of user data in a resource area, at sector
 *     {@code max_hosts + 2} (sanlock: the fixed sector 2002)</td></tr>
 * <tr><td>rindex</td><td>resource index: a name → area offset table in its own area</td></tr>
 * </table>
 */
package org.diskpaxos.paxos.ondisk;
