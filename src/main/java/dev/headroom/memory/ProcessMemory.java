package dev.headroom.memory;

/** A process and its resident set size. */
public record ProcessMemory(int pid, String name, long residentBytes) {}
