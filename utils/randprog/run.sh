#!/bin/sh
# The long random run of docs/Testing.md: utils/randprog/run.sh --count 2000
# (any option of run.py; defaults: 2000 seeds from 1000, every 25th executed,
# reduced reproducers written to test/Random/findings/).
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/run.py" --start 1000 --count 2000 --exec-every 25 \
  --findings "$here/../../test/Random/findings" --minimize -v "$@"
