package io.gainstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/ARCHITECTURE.md, on the main classes of every product module: the model
 * core knows nothing of Kafka, the topology nothing of the services around it, neither writes to
 * the console (the CLI and the services decide what a user sees), and no benchmark lives in them.
 */
class ModuleRulesTest {
  /**
   * Main classes only: not the test classes of this module nor the test jars of the others (the
   * model's test backbones).
   */
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.gainstream");

  @Test
  void theModelCoreKnowsNothingOfKafkaOrTheLayersAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("io.gainstream.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "io.gainstream.topology..",
            "io.gainstream.services..",
            "io.gainstream.cli..")
        .check(MAIN);
  }

  @Test
  void theTopologyKnowsNothingOfTheServicesOrTheCli() {
    noClasses()
        .that()
        .resideInAPackage("io.gainstream.topology..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.gainstream.services..", "io.gainstream.cli..")
        .check(MAIN);
  }

  @Test
  void theProductHoldsNoMeasuringTools() {
    // the benchmarks and their harnesses live in the bench module, which depends on the product;
    // on this module's class path (proto, model, topology, services) none may appear
    noClasses()
        .should()
        .resideInAnyPackage("io.gainstream.bench..", "..bench..", "..quality..")
        .orShould()
        .haveSimpleNameEndingWith("Benchmark")
        .orShould()
        .haveSimpleNameEndingWith("Harness")
        .check(MAIN);
  }

  @Test
  void neitherTheModelNorTheTopologyWritesToTheConsole() {
    noClasses()
        .that()
        .resideInAnyPackage("io.gainstream.model..", "io.gainstream.topology..")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .check(MAIN);
  }

  @Test
  void onlyTheTopologyReachesIntoItsInternals() {
    // the services run the topology through PipelineTopology, Topics and PipelineConfig; its
    // processors and stages may change shape without the services noticing
    noClasses()
        .that()
        .resideOutsideOfPackage("io.gainstream.topology..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.gainstream.topology.internals..")
        .check(MAIN);
  }

  @Test
  void theModelsPackagesCallEachOtherWithoutCircles() {
    slices().matching("io.gainstream.model.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  /** Longest a main class may be: beyond it a class has more than one job. */
  static final int MAX_LINES = 400;

  @Test
  void noMainClassIsLongerThanTheLimit() throws IOException {
    // the sources, not the bytecode: length is what a reader meets; run from services/
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> over = new ArrayList<>();
    for (String module : List.of("proto", "model", "topology", "services", "bench")) {
      Path src = root.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String rel = root.relativize(f).toString().replace('\\', '/');
          long lines;
          try (Stream<String> l = Files.lines(f)) {
            lines = l.count();
          }
          if (lines > MAX_LINES) {
            over.add(rel + ": " + lines + " lines");
          }
        }
      }
    }
    assertThat(over).as("main classes over " + MAX_LINES + " lines").isEmpty();
  }
}
