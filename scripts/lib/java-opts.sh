# The --add-opens flags Spark and ND4J need on Java 17 (driver and executors), as the array JAVA17_OPENS,
# from their only copy, src/main/resources/sparktrain-java-opens.txt (one a line, # comments).
JAVA_OPENS_FILE="$ROOT/src/main/resources/sparktrain-java-opens.txt"
mapfile -t JAVA17_OPENS < <(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$JAVA_OPENS_FILE")
if [[ ${#JAVA17_OPENS[@]} -eq 0 ]]; then
  echo "error: no --add-opens options read from $JAVA_OPENS_FILE" >&2
  exit 1
fi

# Sets the array GIT_PROPERTIES for the driver's JVM: the git commit it runs at and whether tracked files differ
# from it (run.json, benchmarks), BENCHMARKS.md aside: scripts/bench rewrites it after each part, which would mark
# every later part of the same run dirty. Only the two launchers call it; the cluster and HDFS scripts need no git.
git_properties() {
  GIT_PROPERTIES=(-Dsparktrain.git.commit="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
    -Dsparktrain.git.dirty="$(git -C "$ROOT" status --porcelain --untracked-files=no -- . ':!BENCHMARKS.md' 2>/dev/null | grep -q . && echo true || echo false)")
}
