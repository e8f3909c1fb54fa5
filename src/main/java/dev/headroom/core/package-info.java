/** Bottom layer shared by every feature: the app exception and the executor abstraction. */
package dev.headroom.core;
