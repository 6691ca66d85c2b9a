"""Appends a driver to the functions of a module planned with
memopt-arena's arena-mode=arg: the driver's ARENA_BYTES becomes the
memopt.arena_size of @kernel, and the module's braces go so that the result
parses as one implicit module."""

import re
import sys

planned, driver = (open(path).read() for path in sys.argv[1:3])
size = re.search(r"@kernel\(.*memopt\.arena_size = (\d+) : i64", planned)
if not size:
    sys.exit("link-arena-driver.py: @kernel has no memopt.arena_size")
body = [line for line in planned.splitlines()
        if not line.startswith("module") and line != "}"]
print("\n".join(body))
print(driver.replace("ARENA_BYTES", size.group(1)))
