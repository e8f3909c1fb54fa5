/** The local routing gateway: rules, cloud/local targets, health checks, LLM usage metering. */
package dev.headroom.gateway;
