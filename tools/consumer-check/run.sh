#!/usr/bin/env bash
# Consumer check: builds a project outside the repository from README.md's "Using diffusion4j"
# snippets, as written there, against this build.
#
#   tools/consumer-check/run.sh            (about 3-5 minutes on two cores; needs Java 17, Maven 3.8+)
#
# 1. deploys the reactor (tests compiled, not run: test jars are dependencies) to a throwaway file repository under /tmp; install is skipped
#    and the deploy's local repository is a throwaway one, so nothing of this project reaches ~/.m2;
# 2. checks every published jar: META-INF/LICENSE and NOTICE, Automatic-Module-Name,
#    Implementation-Version, a -sources jar; and that the BOM's version is the build's;
# 3. extracts the consumer pom.xml and Example.java from README.md (the blocks after the
#    '<!-- consumer-check:... -->' markers) and builds and runs them once per dependency set (core; +onnx;
#    +djl; +pipeline/CLI), with a throwaway local repository: our artifacts come only from step 1's
#    repository, third-party ones from ~/.m2 (read as a file repository, snapshots off) or the network;
# 4. runs the deployed command-line jar with a plugin jar in its plugin path: listed, with its origin,
#    and used by 'sample'.
# Keep the work folder with CONSUMER_CHECK_DIR=/tmp/somewhere (it is removed otherwise).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
readme="$root/README.md"
if [ -n "${CONSUMER_CHECK_DIR:-}" ]; then
  work="$CONSUMER_CHECK_DIR"; mkdir -p "$work"; keep=1
else
  work=$(mktemp -d /tmp/d4j-consumer-check.XXXXXX); keep=0
fi
case "$work" in /tmp/*) ;; *) echo "CONSUMER_CHECK_DIR must be under /tmp" >&2; exit 2 ;; esac
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
repo="$work/repo"        # the deployed build
m2="$work/m2"            # the consumer's local repository
mkdir -p "$repo" "$m2"
seed="${HOME}/.m2/repository"
fail() { echo "consumer-check: FAIL: $*" >&2; exit 1; }

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -n 1)
bomversion=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/bom/pom.xml" | head -n 1)
[ "$bomversion" = "$version" ] || fail "bom/pom.xml has version $bomversion, the build $version"
echo "== 1. deploy $version to $repo (no install)"
# The deploy reads and writes our group's metadata in its local repository: give it one of its own, a
# folder of links to ~/.m2's third-party groups (no copy) without org/diffusion4j, so nothing of this
# project is written to ~/.m2.
farm="$work/deploy-m2"
mkdir -p "$farm/org"
for d in "$seed"/*; do [ "$(basename "$d")" = org ] || ln -s "$d" "$farm/"; done
for d in "$seed"/org/*; do [ "$(basename "$d")" = diffusion4j ] || ln -s "$d" "$farm/org/"; done
(cd "$root" && mvn -B -ntp -q -Dmaven.repo.local="$farm" -DskipTests -Dmaven.install.skip=true \
  -DaltDeploymentRepository="consumer-check::file://$repo" deploy)

echo "== 2. published jars"
published="api mixture schedules samplers guidance noise-torch io evaluation testkit backends-onnx backends-djl pipeline pipeline-djl spark cli kotlin"
for m in $published; do
  dir="$repo/org/diffusion4j/diffusion4j-$m/$version"
  jar=$(ls "$dir"/diffusion4j-"$m"-*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' -e '-all\.jar$' -e '-tests\.jar$' | head -n 1 || true)
  [ -n "$jar" ] || fail "no jar of diffusion4j-$m in $dir"
  ls "$dir"/diffusion4j-"$m"-*-sources.jar >/dev/null 2>&1 || fail "no sources jar of diffusion4j-$m"
  entries=$(unzip -Z1 "$jar")
  echo "$entries" | grep -qx 'META-INF/LICENSE' || fail "$jar has no META-INF/LICENSE"
  echo "$entries" | grep -qx 'META-INF/NOTICE' || fail "$jar has no META-INF/NOTICE"
  mf=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r')
  name=$(echo "$mf" | sed -n 's/^Automatic-Module-Name: //p')
  impl=$(echo "$mf" | sed -n 's/^Implementation-Version: //p')
  [ -n "$name" ] || fail "$jar: no Automatic-Module-Name"
  [ "$impl" = "$version" ] || fail "$jar: Implementation-Version '$impl'"
  printf '   %-38s %-28s %s\n' "diffusion4j-$m" "$name" "LICENSE NOTICE sources"
done
ls "$repo/org/diffusion4j/diffusion4j-bom/$version"/diffusion4j-bom-*.pom >/dev/null || fail "no BOM deployed"

# settings: our artifacts from the deployed repository only; ~/.m2 as a read-only file repository
# with snapshots off, so the project's older snapshot jars there are never used
cat > "$work/settings.xml" <<XML
<settings>
  <localRepository>$m2</localRepository>
  <profiles>
    <profile>
      <id>consumer-check</id>
      <repositories>
        <repository>
          <id>consumer-check</id>
          <url>file://$repo</url>
          <snapshots><enabled>true</enabled></snapshots>
        </repository>
        <repository>
          <id>seed</id>
          <url>file://$seed</url>
          <snapshots><enabled>false</enabled></snapshots>
        </repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository>
          <id>seed</id>
          <url>file://$seed</url>
          <snapshots><enabled>false</enabled></snapshots>
        </pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>consumer-check</activeProfile>
  </activeProfiles>
</settings>
XML

# the fenced block after the marker '<!-- consumer-check:KEY ...-->' in README.md
block() {
  awk -v m="<!-- consumer-check:$1 " '
    index($0, m) == 1 { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$readme"
}

pom=$(block pom); java=$(block "java Example.java")
[ -n "$pom" ] || fail "README.md has no consumer-check:pom block"
[ -n "$java" ] || fail "README.md has no consumer-check:java block"
echo "$pom" | grep -q "<version>$version</version>" || fail "the README's pom does not use version $version"

echo "== 3. consumer project from README.md"
dep="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
for set in core onnx djl pipeline; do
  app="$work/app-$set"
  mkdir -p "$app/src/main/java"
  if [ "$set" = core ]; then
    printf '%s\n' "$pom" > "$app/pom.xml"
    expect="diffusion4j-api diffusion4j-schedules diffusion4j-samplers diffusion4j-guidance"
  else
    frag=$(block "deps $set")
    [ -n "$frag" ] || fail "README.md has no consumer-check:deps $set block"
    # the set's dependencies go at the end of the project's <dependencies> (the last one in the pom)
    POM="$pom" FRAG="$frag" /usr/bin/python3 -c '
import os
pom, frag = os.environ["POM"], os.environ["FRAG"]
i = pom.rindex("  </dependencies>")
print(pom[:i] + frag + "\n" + pom[i:])' > "$app/pom.xml"
    case $set in
      onnx) expect="diffusion4j-backends-onnx onnxruntime" ;;
      djl) expect="diffusion4j-backends-djl pytorch-engine pytorch-native-cpu" ;;
      pipeline) expect="diffusion4j-pipeline diffusion4j-cli picocli jackson-databind diffusion4j-backends-onnx" ;;
    esac
  fi
  printf '%s\n' "$java" > "$app/src/main/java/Example.java"
  (cd "$app" && mvn -B -ntp -q -s "$work/settings.xml" package \
     && mvn -B -ntp -q -s "$work/settings.xml" "$dep:build-classpath" -Dmdep.outputFile=cp.txt -Dmdep.includeScope=runtime) \
    || fail "set '$set': the README's project does not build (see above)"
  for a in $expect; do
    tr ':' '\n' < "$app/cp.txt" | grep -q "/$a-[^/]*\.jar$" || fail "set '$set': $a is not on the class path"
  done
  # our jars must come from the deployed build, never from ~/.m2
  if tr ':' '\n' < "$app/cp.txt" | grep "/org/diffusion4j/" | grep -v "^$m2/"; then fail "set '$set': a diffusion4j jar from outside $m2"; fi
  out=$(java -cp "$app/target/classes:$(cat "$app/cp.txt")" Example)
  echo "$out" | grep -q "samples: mean" || fail "set '$set': Example printed '$out'"
  printf '   %-9s builds and runs: %s\n' "$set" "$out"
done

echo "== 4. command line from the deployed build, with a plugin jar in its plugin path"
cli=$(ls "$repo/org/diffusion4j/diffusion4j-cli/$version"/diffusion4j-cli-*-all.jar | head -n 1)
plugin=$(ls "$repo/org/diffusion4j/diffusion4j-plugin-dpmsolver/$version"/diffusion4j-plugin-dpmsolver-*.jar \
  | grep -v -e '-sources\.jar$' | head -n 1)
mkdir -p "$work/plugins" "$work/home"
cp "$plugin" "$work/plugins/"
listing=$(DIFFUSION4J_PLUGIN_PATH="$work/plugins" java -Duser.home="$work/home" -jar "$cli" plugins)
echo "$listing" | grep -E "^  sampler +dpmpp-2m +$work/plugins/" >/dev/null || fail "the plugin's origin is not listed: $listing"
echo "$listing" | grep -E "^  sampler +ddim +built-in$" >/dev/null || fail "ddim is not listed as built-in"
cat > "$work/run.json" <<JSON
{"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear"},
 "sampler": {"type": "dpm-solver++", "steps": 8}, "labels": [0, 1], "samplesPerLabel": 4, "seed": 1,
 "output": {"name": "mix"}}
JSON
java -Duser.home="$work/home" -jar "$cli" --plugin-path "$work/plugins" sample -q --config "$work/run.json" --out "$work/out"
grep -q '"sampler:dpmpp-2m"' "$work/out/mix-report.json" || fail "sample did not use the plugin"
echo "   plugins: dpmpp-2m from $work/plugins, ddim built-in; sample used dpmpp-2m"
echo "consumer-check: OK ($version)"
