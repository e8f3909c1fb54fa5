package dev.headroom.ui.spot;

import dev.headroom.spot.SpotVm;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One table row; its cells are properties so the per-second clock updates them in place (on the FX thread). */
public final class SpotRow {
  private SpotVm vm;
  final StringProperty state = new SimpleStringProperty();
  final StringProperty zone = new SimpleStringProperty();
  final StringProperty ip = new SimpleStringProperty();
  final StringProperty uptime = new SimpleStringProperty();
  final StringProperty timeLeft = new SimpleStringProperty();
  final StringProperty perHour = new SimpleStringProperty();
  final StringProperty cost = new SimpleStringProperty();

  SpotRow(SpotVm vm) {
    this.vm = vm;
  }

  public SpotVm vm() {
    return vm;
  }

  void set(SpotViewModel.Cells c) {
    this.vm = c.vm();
    state.set(c.state());
    zone.set(c.zone());
    ip.set(c.ip());
    uptime.set(c.uptime());
    timeLeft.set(c.timeLeft());
    perHour.set(c.perHour());
    cost.set(c.cost());
  }

  public String name() {
    return vm.name();
  }

  public String machineType() {
    return vm.machineType();
  }

  public ReadOnlyStringProperty stateProperty() {
    return state;
  }

  public ReadOnlyStringProperty zoneProperty() {
    return zone;
  }

  public ReadOnlyStringProperty ipProperty() {
    return ip;
  }

  public ReadOnlyStringProperty uptimeProperty() {
    return uptime;
  }

  public ReadOnlyStringProperty timeLeftProperty() {
    return timeLeft;
  }

  public ReadOnlyStringProperty perHourProperty() {
    return perHour;
  }

  public ReadOnlyStringProperty costProperty() {
    return cost;
  }
}
