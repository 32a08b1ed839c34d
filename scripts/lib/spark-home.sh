# SPARK_HOME for scripts/cluster and scripts/submit: target/spark-home, whose jars/ holds symlinks to
# the Spark runtime jars in ~/.m2 (the versions pom.xml uses), laid out like a Spark distribution.
SPARK_HOME="$ROOT/target/spark-home"
export SPARK_HOME
# Without it the launcher looks for Spark's own build directories and executors fail to start.
export SPARK_SCALA_VERSION=2.12

pom_property() {
  local value
  value="$(sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1)"
  [[ -n "$value" ]] || { echo "error: pom.xml has no <$1> property" >&2; return 1; }
  echo "$value"
}

ensure_spark_home() {
  [[ -f "$SPARK_HOME/RELEASE" && "$SPARK_HOME/RELEASE" -nt "$ROOT/pom.xml" &&
    "$SPARK_HOME/RELEASE" -nt "$ROOT/scripts/lib/spark-runtime.pom.xml" ]] && return 0
  echo "preparing $SPARK_HOME (Spark jars from ~/.m2)..." >&2
  local cp_file="$ROOT/target/spark-runtime-classpath.txt" props=()
  for p in spark.version scala.version scala.binary slf4j.version; do
    props+=("-D$p=$(pom_property "$p")")
  done
  mvn -B -q -ntp -f "$ROOT/scripts/lib/spark-runtime.pom.xml" "${props[@]}" \
    dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
  rm -rf "$SPARK_HOME"
  mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
  local jar
  # the last entry has no newline after it: read still hands it over, with a non-zero status
  tr ':' '\n' < "$cp_file" | while read -r jar || [[ -n "$jar" ]]; do ln -s "$jar" "$SPARK_HOME/jars/"; done
  check_spark_home_versions
  echo "Spark $(pom_property spark.version) (jars from Maven, $(ls "$SPARK_HOME/jars" | wc -l) files)" > "$SPARK_HOME/RELEASE"
}

# The cluster must run the Spark dependencies the project compiles and tests against: an artifact that
# pom.xml has as provided (Spark's) but in another version is an error.
check_spark_home_versions() {
  local provided="$ROOT/target/provided-classpath.txt" link dir artifact ours
  (cd "$ROOT" && mvn -B -q -ntp dependency:build-classpath -DincludeScope=provided -Dmdep.outputFile="$provided") >&2
  for link in "$SPARK_HOME"/jars/*.jar; do
    dir="$(dirname "$(readlink "$link")")"          # ~/.m2/.../GROUP/ARTIFACT/VERSION
    artifact="$(dirname "$dir")"
    ours="$(tr ':' '\n' < "$provided" | grep -F "$artifact/" | grep -vF "$dir/" | head -1 || true)"
    if [[ -n "$ours" ]]; then
      rm -rf "$SPARK_HOME"
      echo "error: the Spark runtime resolves $(basename "$link") but pom.xml uses $(basename "$ours"); pin it in scripts/lib/spark-runtime.pom.xml" >&2
      return 1
    fi
  done
}
