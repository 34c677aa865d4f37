#!/bin/sh
# make run: the main job on this machine (updated as commands land).
set -u
VIGIE=${1:-build/vigie}
exec "$VIGIE" --help
