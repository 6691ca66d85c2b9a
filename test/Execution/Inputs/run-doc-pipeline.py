"""Runs a memopt-opt command exactly as docs/Usage.md shows it.

usage: run-doc-pipeline.py MEMOPT_OPT USAGE_MD SELECTOR INPUT OUTPUT

Takes the one `memopt-opt model.mlir ...` command of the sh blocks of
USAGE_MD that contains every word of SELECTOR (and none of the words
written there with a leading '!'), runs it with MEMOPT_OPT on
INPUT instead of model.mlir, writes the IR to OUTPUT and lets stdout and
stderr through. Fails when no command or several match, so that the test
follows the documentation."""

import re
import shlex
import subprocess
import sys

memopt_opt, usage, selector, source, output = sys.argv[1:6]
text = open(usage).read()
commands = []
for block in re.findall(r"```sh\n(.*?)```", text, re.S):
    for command in block.replace("\\\n", " ").splitlines():
        words = shlex.split(command)
        if words[:2] == ["memopt-opt", "model.mlir"] and all(
                (word[1:] not in words) if word.startswith("!") else
                (word in words) for word in selector.split()):
            commands.append(words)
if len(commands) != 1:
    sys.exit("run-doc-pipeline.py: %d documented commands contain '%s'" %
             (len(commands), selector))
words = [memopt_opt, source] + commands[0][2:] + ["-o", output]
print(" ".join(shlex.quote(word) for word in words[2:]), file=sys.stderr)
sys.exit(subprocess.call(words))
