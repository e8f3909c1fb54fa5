/** Spot VM lifecycle on Compute Engine: the Compute port, its GCE adapter, the service and its store. */
package dev.headroom.spot;
