package dev.headroom.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The house rules of DESIGN.md 2 and STYLE.md 1, enforced. */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.headroom");

  @Test
  void javaFxStaysInTheUiPackage() {
    noClasses().that().resideOutsideOfPackage("dev.headroom.ui..")
        .should().dependOnClassesThat().resideInAnyPackage("javafx..", "io.fair_acc..")
        .check(CLASSES);
  }

  @Test
  void googleClientsOnlyInTheGceAndCatalogAdapters() {
    // The adapters and their nested classes (GceCompute$Call...) are the only places allowed.
    noClasses().that().haveNameNotMatching("dev\\.headroom\\.(spot\\.GceCompute|cost\\.CloudCatalog\\w*"
            + "|cost\\.GceMachineTypes|billing\\.(BigQueryBillingExport|CloudBudgets|RecommenderIdleVms))(\\$.*)?")
        .should().dependOnClassesThat()
        .resideInAnyPackage("com.google.cloud..", "com.google.api.gax..", "com.google.auth..")
        .check(CLASSES);
  }

  @Test
  void sshLibrariesOnlyInTheTunnelPackage() {
    noClasses().that().resideOutsideOfPackage("dev.headroom.tunnel..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.sshd..", "org.bouncycastle..")
        .check(CLASSES);
  }

  @Test
  void uiNeverCallsGoogleClients() {
    noClasses().that().resideInAPackage("dev.headroom.ui..")
        .should().dependOnClassesThat().resideInAnyPackage("com.google..")
        .check(CLASSES);
  }

  @Test
  void lowerLayersDoNotReachUp() {
    noClasses().that().resideInAnyPackage("dev.headroom.core..", "dev.headroom.config..", "dev.headroom.store..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.headroom.memory..", "dev.headroom.spot..",
            "dev.headroom.cost..", "dev.headroom.engine..", "dev.headroom.gateway..", "dev.headroom.ui..",
            "dev.headroom.billing..")
        .check(CLASSES);
  }

  @Test
  void billingSitsBelowCostAndKnowsNoOtherFeature() {
    // cost -> billing (the nowcast hook); billing never reaches back up or sideways.
    noClasses().that().resideInAPackage("dev.headroom.billing..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.headroom.cost..", "dev.headroom.spot..",
            "dev.headroom.memory..", "dev.headroom.engine..", "dev.headroom.gateway..", "dev.headroom.ui..")
        .check(CLASSES);
  }

  @Test
  void domainFeaturesDoNotDependOnEngineGatewayOrUi() {
    noClasses().that().resideInAnyPackage("dev.headroom.memory..", "dev.headroom.spot..", "dev.headroom.cost..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.headroom.engine..", "dev.headroom.gateway..",
            "dev.headroom.ui..")
        .check(CLASSES);
  }

  @Test
  void engineAndGatewayDoNotDependOnUi() {
    noClasses().that().resideInAnyPackage("dev.headroom.engine..", "dev.headroom.gateway..")
        .should().dependOnClassesThat().resideInAPackage("dev.headroom.ui..")
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.headroom.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void domainFeaturesDoNotImportEachOther() {
    // memory, spot and cost meet only in the engine and in App (the composition root).
    noClasses().that().resideInAPackage("dev.headroom.memory..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.headroom.spot..", "dev.headroom.cost..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("dev.headroom.spot..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.headroom.memory..", "dev.headroom.cost..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("dev.headroom.cost..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.headroom.memory..", "dev.headroom.spot..")
        .check(CLASSES);
  }

  @Test
  void awtOnlyInTheTrayClass() {
    noClasses().that().haveNameNotMatching("dev\\.headroom\\.ui\\.TrayController(\\$.*)?")
        .should().dependOnClassesThat().resideInAnyPackage("java.awt..", "javax.swing..")
        .check(CLASSES);
  }

  @Test
  void noSystemStreamsOutsideTheEntryPoint() {
    // Logs go through SLF4J (escaped, rotated); only Main (the CLI) prints.
    noClasses().that().resideInAnyPackage("dev.headroom.cost..", "dev.headroom.store..", "dev.headroom.config..",
            "dev.headroom.engine..", "dev.headroom.memory..")
        .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
        .check(CLASSES);
  }
}
