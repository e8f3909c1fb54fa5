package dev.headroom.gateway;

/** Where a route sends its traffic. */
public enum Policy {
  /** Always the local backend. */
  LOCAL_ONLY,
  /** The running VM when there is a healthy one, else local (also when a forward to the VM cannot connect). */
  CLOUD_PREFERRED,
  /** Only the running VM; 503 when there is none. */
  CLOUD_ONLY,
  /** The running VM while local memory is under pressure and the VM is healthy, else local. */
  CLOUD_WHEN_PRESSURED
}
