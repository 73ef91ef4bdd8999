#!/bin/sh
# A stand-in for a long render step: prints its progress and writes the output file.
#
# usage: render.sh OUTPUT TITLE [STEPS] [SECONDS_PER_STEP]
#
# The output appears only when the render is complete (written beside it, then renamed), so a
# render cut off half-way never leaves a file that looks finished.
set -eu
output=$1
title=$2
steps=${3:-10}
pause=${4:-1}
mkdir -p "$(dirname "$output")"
partial="$output.partial"
: > "$partial"
step=1
while [ "$step" -le "$steps" ]; do
    sleep "$pause"
    echo "block $step of $steps of '$title'" >> "$partial"
    echo "progress $((step * 100 / steps))%"
    step=$((step + 1))
done
mv "$partial" "$output"
echo "rendered $output"
