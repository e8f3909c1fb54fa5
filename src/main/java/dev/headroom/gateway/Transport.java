package dev.headroom.gateway;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Netty's native epoll transport on Linux x86-64 (fewer copies and syscalls), Java NIO everywhere else. */
record Transport(IoHandlerFactory io, Class<? extends ServerChannel> server, Class<? extends SocketChannel> client) {
  static Transport best() {
    if (!Boolean.getBoolean("headroom.gateway.nio") && Epoll.isAvailable()) {
      return new Transport(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return new Transport(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }
}
