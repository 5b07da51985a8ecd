/**
 * The one narrow interface through which every write reaches persistent memory
 * ({@link io.daxkv.pmem.PersistentMemory}) and its production implementation over a
 * memory-mapped file ({@link io.daxkv.pmem.MappedPersistentMemory}: MAP_SYNC where the file
 * system is DAX, a shared mapping with msync elsewhere). Internal.
 */
package io.daxkv.pmem;
