/** The embedded engine: auto-create policy, reaper and the wiring of memory, spot, cost and gateway. */
package dev.headroom.engine;
