#!/bin/sh
# Builds the benchmarks module with the reactor (nothing is installed into ~/.m2) and runs SideBySide:
# ONNX backend, DJL TorchScript backend and the Python baseline on the benchmark UNet, in one run.
# Arguments are passed to SideBySide (--threads 2 --rounds 10 --skip python,djl,onnx,train --doc FILE);
# MVN_ARGS="-Donnxruntime.version=1.19.2 -Ddjl.version=0.30.0 -Dpytorch.version=2.4.0" measures other runtime versions.
set -e
cd "$(dirname "$0")/../.."
mvn -B -ntp -q ${MVN_ARGS:-} -pl benchmarks -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java -Xms1g -Xmx2g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
    org.diffusion4j.benchmarks.SideBySide "$@"
