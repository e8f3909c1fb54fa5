package dev.headroom.config;

/** Where history lives. {@code dataDir} empty means the per-OS default data directory. */
public record StorageSettings(String dataDir) {}
