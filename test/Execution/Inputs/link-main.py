"""Appends the @main driver (and the declarations after it) of a generated
module to another module, e.g. one whose other functions a pass rewrote.

Usage: link-main.py REWRITTEN.mlir GENERATED-WITH-MAIN.mlir > LINKED.mlir"""

import sys

rewritten, generated = (open(path).read() for path in sys.argv[1:3])
start = generated.index("  func.func @main()")
driver = generated[start:].rstrip()
body = rewritten.rstrip()
if not body.endswith("}") or not driver.endswith("}"):
    sys.exit("link-main.py: expected modules that end with '}'")
print(body[:-1] + driver)
