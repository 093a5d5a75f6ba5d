#!/usr/bin/env bash
# Builds the embedded OpenSearch (pom.xml) unless it is already built, and prints the build's directory.
#
# The build of a given build.sh, pom.xml, jvm.options and src/ lives in <build root>/<hash of those files>/ (default build
# root: <repository>/.local/opensearch-build): cite-opensearch.jar, lib/ (every dependency), classpath (the java
# -cp argument, one line) and opensearch.jsa (a class-data archive written by one training run of the engine,
# which cuts a start from about ten seconds to about three). A changed source gets a directory of its own; a build
# that fails or is killed leaves only a temporary directory, never a half-built one under the final name. Builds
# are serialised by a lock on <build root>/.lock, so concurrent callers build once.
#
# Usage: build.sh [build root]      Environment: MVN, JAVA (default mvn, java on PATH).
# Exits 0 with the directory as the last line of stdout; 3 when Maven or Java is needed and not installed; 1 when
# the build fails (Maven's output on stderr).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD_ROOT="${1:-$ROOT/.local/opensearch-build}"
MVN="${MVN:-mvn}"
JAVA="${JAVA:-java}"

need() {
  if ! command -v "$1" >/dev/null; then
    echo "cite: $1 is not installed: $2" >&2
    exit 3
  fi
}

# The hash of everything the build reads (names and contents), so any change to them means a new build.
source_hash() {
  (cd "$HERE" && find build.sh pom.xml jvm.options src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -c1-16
}

# JVM options from jvm.options: comments and blank lines dropped.
jvm_options() {
  grep -Ev '^[[:space:]]*(#|$)' "$HERE/jvm.options"
}

# mvn package into a temporary directory, then renamed to $1 (a rename: never half there).
build() {
  local dir="$1" tmp="$1.tmp.$$"
  need "$MVN" "install Maven (Debian: apt-get install maven, or run scripts/ensure-deps.sh)"
  echo "cite: building the embedded OpenSearch into $dir (Maven; the first build downloads about 85 MB)" >&2
  rm -rf "$tmp"
  # Maven 3.8 writes colour resets even with -B; they are stripped.
  if ! "$MVN" -q -B -f "$HERE/pom.xml" package "-Dcite.buildDir=$tmp" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf "$tmp"
    echo "cite: the Maven build of $HERE/pom.xml failed (output above)" >&2
    exit 1
  fi
  rm -rf "$tmp/classes" "$tmp/generated-sources" "$tmp/maven-archiver" "$tmp/maven-status"
  # The classpath names the final directory: the archive written later is only used with the same classpath.
  local classpath="$dir/cite-opensearch.jar" jar
  while IFS= read -r jar; do classpath+=":$dir/lib/$jar"; done < <(
    cd "$tmp/lib" && find . -name '*.jar' -printf '%P\n' | LC_ALL=C sort
  )
  printf '%s\n' "$classpath" >"$tmp/classpath"
  mv -T "$tmp" "$dir"
}

# Earlier builds (of other sources) and what killed builds left; an engine still running from one keeps its open
# files. Runs under the lock, so no other build is writing.
remove_others() {
  local keep="$1" other
  for other in "$BUILD_ROOT"/*; do
    if [[ -d "$other" && "$other" != "$keep" ]]; then rm -rf "$other"; fi
  done
}

# One run of the engine with -XX:ArchiveClassesAtExit, its training requests, and exit; on failure the engine
# simply starts without an archive (slower), and the reason is kept in opensearch.jsa.failed.
train() {
  local dir="$1" home
  home="$(mktemp -d)"
  local jsa="$dir/opensearch.jsa.tmp.$$"
  local -a options
  mapfile -t options < <(jvm_options)
  if "$JAVA" -Xms256m -Xmx512m "${options[@]}" "-Djava.io.tmpdir=$home" -Xlog:cds=error \
    "-XX:ArchiveClassesAtExit=$jsa" -cp "$(cat "$dir/classpath")" dev.cite.opensearch.EmbeddedOpenSearch \
    --home "$home" --http-port 0 --train >"$home/training.log" 2>&1 && [[ -s "$jsa" ]]; then
    mv "$jsa" "$dir/opensearch.jsa"
  else
    echo "cite: the training run failed; the engine starts without a class-data archive" >&2
    tail -n 20 "$home/training.log" >&2 || true
    cp "$home/training.log" "$dir/opensearch.jsa.failed" || true
    rm -f "$jsa"
  fi
  rm -rf "$home"
}

dir="$BUILD_ROOT/$(source_hash)"
done_already() { [[ -f "$dir/classpath" && (-f "$dir/opensearch.jsa" || -f "$dir/opensearch.jsa.failed") ]]; }
if ! done_already; then
  need "$JAVA" "install a JDK 17 or newer (Debian: apt-get install default-jdk-headless, or run scripts/ensure-deps.sh)"
  mkdir -p "$BUILD_ROOT"
  exec 9>"$BUILD_ROOT/.lock"
  flock 9
  if [[ ! -f "$dir/classpath" ]]; then
    build "$dir"
    remove_others "$dir"
  fi
  if ! done_already; then train "$dir"; fi
  flock -u 9
fi
echo "$dir"
