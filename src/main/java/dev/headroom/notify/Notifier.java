package dev.headroom.notify;

/** Shows a notification to the user (native notification service, tray balloon, or a test's list). */
@FunctionalInterface
public interface Notifier {
  void show(Notification n);
}
