package dev.headroom.config;

/**
 * The dashboard's look.
 *
 * @param theme {@code system} (follow the OS light/dark appearance), {@code light} or {@code dark}
 */
public record UiSettings(String theme) {}
