#!/usr/bin/env bash
# Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript and
# spark.worker.resource.gpu.discoveryScript): prints the GPUs nvidia-smi sees as
#   {"name": "gpu", "addresses": ["0", "1"]}
# Usage: scripts/gpu-discovery.sh   (no arguments; Spark runs it on each node)
# Self-contained, without scripts/lib: a node may hold only this file.
set -euo pipefail
usage() { sed -n '2,${/^#/!q;s/^# \{0,1\}//p}' "$0"; }
case "${1:-}" in
  "") ;;
  -h|--help) usage; exit 0 ;;
  *) echo "gpu-discovery: error: unknown argument $1" >&2; usage >&2; exit 2 ;;
esac
command -v nvidia-smi >/dev/null || { echo "gpu-discovery: error: nvidia-smi not found (no NVIDIA driver?)" >&2; exit 1; }
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/ //g; s/.*/"&"/' | paste -sd, -)"
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
