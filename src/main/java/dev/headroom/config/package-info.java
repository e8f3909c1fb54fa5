/** Settings records, loading from JSON with environment overrides, and validation. */
package dev.headroom.config;
