package dev.headroom.spot;

import dev.headroom.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** VMs and their timelines in H2 (tables of migration V2). */
public final class SpotStore {
  private final Database db;

  public SpotStore(Database db) {
    this.db = db;
  }

  /** Saves the VM's latest state and appends the event, in one transaction. */
  void save(SpotVm vm, VmEvent event) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("MERGE INTO vm_sessions(name, zone, machine_type, state,"
          + " external_ip, requested_at, running_since, ended_at, max_run_seconds, session_id, last_message)"
          + " KEY(name) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
        ps.setString(1, vm.name());
        ps.setString(2, vm.zone());
        ps.setString(3, vm.machineType());
        ps.setString(4, vm.state().name());
        ps.setString(5, vm.externalIp());
        ps.setLong(6, vm.requestedAt().toEpochMilli());
        setOptional(ps, 7, vm.runningSince());
        setOptional(ps, 8, vm.endedAt());
        ps.setLong(9, vm.maxRunDuration().toSeconds());
        ps.setString(10, vm.sessionId());
        ps.setString(11, trim(vm.lastMessage()));
        ps.executeUpdate();
      }
      return insertEvent(c, event);
    });
  }

  /** Appends an event without touching the VM's row (for notes made while another thread owns the VM). */
  void appendEvent(VmEvent event) {
    db.withConnection(c -> {
      return insertEvent(c, event);
    });
  }

  private static int insertEvent(Connection c, VmEvent event) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO vm_events(ts, vm_name, state, message) VALUES (?,?,?,?)")) {
      ps.setLong(1, event.time().toEpochMilli());
      ps.setString(2, event.vmName());
      ps.setString(3, event.state().name());
      ps.setString(4, trim(event.message()));
      return ps.executeUpdate();
    }
  }

  List<SpotVm> loadVms() {
    return db.withConnection(c -> {
      List<SpotVm> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT name, zone, machine_type, state, external_ip,"
          + " requested_at, running_since, ended_at, max_run_seconds, session_id, last_message FROM vm_sessions"
          + " ORDER BY requested_at");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new SpotVm(rs.getString(1), rs.getString(2), rs.getString(3), VmState.valueOf(rs.getString(4)),
              rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), optional(rs, 7), optional(rs, 8),
              Duration.ofSeconds(rs.getLong(9)), rs.getString(10), rs.getString(11)));
        }
      }
      return out;
    });
  }

  List<VmEvent> loadEvents(String vmName) {
    return db.withConnection(c -> {
      List<VmEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT ts, vm_name, state, message FROM vm_events WHERE vm_name = ? ORDER BY id")) {
        ps.setString(1, vmName);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new VmEvent(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2),
                VmState.valueOf(rs.getString(3)), rs.getString(4)));
          }
        }
      }
      return out;
    });
  }

  private static void setOptional(PreparedStatement ps, int i, Optional<Instant> t) throws SQLException {
    if (t.isPresent()) {
      ps.setLong(i, t.get().toEpochMilli());
    } else {
      ps.setNull(i, java.sql.Types.BIGINT);
    }
  }

  private static Optional<Instant> optional(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private static String trim(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) : s;
  }
}
