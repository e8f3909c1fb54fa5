package dev.headroom.control;

import java.io.PrintStream;
import java.util.List;

/** Runs one command-line verb (the words after the program name) and returns its exit code. */
@FunctionalInterface
public interface CommandRunner {
  int run(List<String> args, PrintStream out, PrintStream err);
}
