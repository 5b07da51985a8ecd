/**
 * Region files and their metadata: {@link io.daxkv.region.Geometry} (the picture),
 * {@link io.daxkv.region.Superblock}, {@link io.daxkv.region.GroupDescriptor}, block bitmaps,
 * and the store {@link io.daxkv.region.Manifest}. Every structure has a magic or a CRC32C and
 * its byte table in its class comment. Integers are little-endian. Internal.
 */
package io.daxkv.region;
