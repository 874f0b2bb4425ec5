# gainstream image: the same jar the README's ./gainstream runs, built by the same Maven command.
#   docker build -t gainstream .                       (CPU, ONNX Runtime CPU build)
#   docker build -t gainstream:gpu --build-arg MAVEN_PROFILE=-Pgpu \
#     --build-arg RUNTIME=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 .   (CUDA 12 + cuDNN 9)

ARG RUNTIME=eclipse-temurin:17-jre

FROM maven:3.9-eclipse-temurin-17 AS build
ARG MAVEN_PROFILE=
WORKDIR /src
# The dependency layer: the poms and the (small) proto module, built as a reactor whose other
# modules have no sources yet. That resolves every dependency and build plugin, protoc included,
# and the layer stays cached while the Java sources change. (dependency:go-offline cannot do this:
# in an empty repository it fails on the modules' own SNAPSHOT artifacts.) The build below runs
# offline, so anything this layer missed fails the image instead of being fetched quietly.
COPY pom.xml .
COPY proto proto
COPY model/pom.xml model/
COPY topology/pom.xml topology/
COPY services/pom.xml services/
COPY bench/pom.xml bench/
RUN mvn -B -q ${MAVEN_PROFILE} -DskipTests -pl bench -am package
COPY model model
COPY topology topology
COPY services services
COPY bench bench
RUN mvn -B -q -o ${MAVEN_PROFILE} -DskipTests -pl bench -am package

FROM ${RUNTIME}
# the CUDA base image has no Java: install a JRE there (a no-op on the Temurin image); tcmalloc
# for PyTorch's training steps (bin/runtime-env; Ubuntu 24.04 names the package ...t64)
RUN apt-get update \
    && if ! command -v java >/dev/null; then apt-get install -y --no-install-recommends openjdk-17-jre-headless; fi \
    && (apt-get install -y --no-install-recommends libtcmalloc-minimal4t64 \
        || apt-get install -y --no-install-recommends libtcmalloc-minimal4) \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 gainstream
COPY --from=build /src/services/target/gainstream.jar /app/gainstream.jar
COPY --from=build /src/services/target/lib /app/lib
COPY --from=build /src/bench/target/gainstream-bench.jar /app/gainstream-bench.jar
COPY bin/runtime-env /app/runtime-env
USER gainstream
WORKDIR /home/gainstream
ENV GAINSTREAM_JAVA_OPTS="-Xmx2g -XX:+UseParallelGC"
# as ./gainstream: the allocator and PyTorch's kernels from bin/runtime-env, the product's jar (its
# manifest names lib/) and the benchmarks' beside it
ENTRYPOINT ["sh", "-c", ". /app/runtime-env && exec java $GAINSTREAM_JAVA_OPTS -Dai.djl.offline=true -cp /app/gainstream.jar:/app/gainstream-bench.jar io.gainstream.cli.Gainstream \"$@\"", "gainstream"]
