/**
 * The fault path: unwritten blocks converted to written on first write, exactly once per
 * block even when threads race ({@link io.daxkv.fault.UnwrittenExtent}). Internal.
 */
package io.daxkv.fault;
