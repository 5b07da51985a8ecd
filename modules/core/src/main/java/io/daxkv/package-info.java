/**
 * daxkv's embedded API: a key-value store for Java whose storage engine is laid out like ext4
 * on a DAX (persistent-memory) device.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Entry point:</b> {@link io.daxkv.DaxKV#open(java.nio.file.Path, io.daxkv.Options)}.
 *       A store is a directory; one process opens it at a time.</li>
 *   <li><b>Threading:</b> {@link io.daxkv.DaxKV} is safe for any number of threads. A
 *       {@link io.daxkv.Cursor} is used by one thread at a time; a {@link io.daxkv.Blob} takes
 *       writes from many threads at once.</li>
 *   <li><b>Durability:</b> per store, {@link io.daxkv.Durability#ASYNC} by default (flushed every
 *       {@link io.daxkv.Options#commitIntervalMs()}; a process crash loses nothing a call
 *       returned from, a power failure up to that interval) or {@link io.daxkv.Durability#SYNC}.</li>
 *   <li><b>Errors:</b> unchecked, all subtypes of {@link io.daxkv.DaxKVException}; null arguments
 *       throw {@link java.lang.NullPointerException} naming the argument. A record whose checksum
 *       fails is an error naming the key and block, never wrong bytes.</li>
 *   <li><b>JVM flags:</b> Chronicle Bytes needs {@code --add-opens}/{@code --add-exports}
 *       ({@link io.daxkv.JvmFlags#commandLine()}); {@code open} checks them first and lists any
 *       that are missing.</li>
 *   <li><b>Stability:</b> the classes of this package are the public API; subpackages are the
 *       engine's internals and may change without notice.</li>
 * </ul>
 */
package io.daxkv;
