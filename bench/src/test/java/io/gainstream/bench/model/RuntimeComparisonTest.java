package io.gainstream.bench.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The comparison reads each child's training table and nothing else, and names runtimes strictly.
 */
class RuntimeComparisonTest {
  @Test
  void shouldReadTheTrainingRowsOfAChildsOutput() {
    String output =
        """
        ## gainstream model speed

        | method | batch | steps/s | images/s | system CPU |
        |---|---:|---:|---:|---:|
        | cam | 8 | 6.87 | 54.9 | 8 % |
        | gain | 16 | 0.74 | 11.8 | 28 % |

        | method | batch | gainstream steps/s | PyTorch steps/s | gainstream / PyTorch |
        |---|---:|---:|---:|---:|
        | cam | 8 | 6.87 | 9.92 | 0.69x |

        | batch | images/s | ms per batch (p50) | ms per batch (p99) |
        | 8 | 237 | 33.31 | 42.69 |
        """;
    Map<String, RuntimeComparison.Row> rows = RuntimeComparison.rows(output);
    assertThat(rows).containsOnlyKeys("cam 8", "gain 16");
    assertThat(rows.get("gain 16")).isEqualTo(new RuntimeComparison.Row(0.74, 28));
  }

  @Test
  void shouldNameARuntimeAsAllocatorSlashKernels() {
    assertThat(RuntimeComparison.Runtime.parse("tcmalloc/fused"))
        .isEqualTo(new RuntimeComparison.Runtime("tcmalloc", "fused"));
    assertThat(RuntimeComparison.Runtime.parse("glibc/composite").toString())
        .isEqualTo("glibc/composite");
    assertThat(RuntimeComparison.Runtime.parse("tcmalloc")).isNull();
    assertThat(RuntimeComparison.Runtime.parse("mimalloc/fused")).isNull();
    assertThat(RuntimeComparison.Runtime.parse("glibc/fast")).isNull();
  }
}
