/** The embedded H2 database and its schema migrations; features own their repositories on top of it. */
package dev.headroom.store;
