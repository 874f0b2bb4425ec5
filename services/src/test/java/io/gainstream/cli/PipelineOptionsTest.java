package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PipelineOptionsTest {
  @TempDir Path tmp;

  private PipelineOptions parse(String... args) throws Exception {
    Path classes = Files.writeString(tmp.resolve("classes.txt"), "boat\nperson\n");
    PipelineOptions o = new PipelineOptions();
    String[] all = new String[args.length + 2];
    all[0] = "--classes";
    all[1] = classes.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    new CommandLine(o).parseArgs(all);
    return o;
  }

  @Test
  void shouldTakeTheModelNameFromSetWhenNoOptionGivesIt() throws Exception {
    assertThat(parse("--set", "gainstream.model.name=boats").pipelineConfig().modelName())
        .isEqualTo("boats");
    assertThat(
            parse("--model-name", "people", "--set", "gainstream.model.name=boats")
                .pipelineConfig()
                .modelName())
        .isEqualTo("people");
    assertThat(parse().pipelineConfig().modelName()).isEqualTo("gain");
  }
}
