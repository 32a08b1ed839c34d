#!/usr/bin/env bash
# Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript and
# spark.worker.resource.gpu.discoveryScript): prints the GPUs nvidia-smi sees as
#   {"name": "gpu", "addresses": ["0", "1"]}
set -euo pipefail
command -v nvidia-smi >/dev/null || { echo "gpu-discovery: error: nvidia-smi not found (no NVIDIA driver?)" >&2; exit 1; }
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/ //g; s/.*/"&"/' | paste -sd, -)"
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
