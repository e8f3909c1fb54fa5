package dev.headroom.gateway;

import com.sun.net.httpserver.HttpHandler;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/** An endpoint of Headroom's own on the loopback server; a stream endpoint has a client cap. */
record Mount(HttpHandler handler, Optional<Semaphore> streamSlots) {}
