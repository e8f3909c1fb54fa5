/** Memory sampling (OSHI), pressure classification, projection and downsampled history. */
package dev.headroom.memory;
