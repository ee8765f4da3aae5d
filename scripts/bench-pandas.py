#!/usr/bin/python3
# bench-pandas.py - pandas' describe() over an NDJSON file, for scripts/bench.
# Usage: /usr/bin/python3 scripts/bench-pandas.py FILE
#   Loads FILE with pandas.read_json(lines=True) and prints describe() of
#   every column (include="all") to /dev/null; the column count on stderr.
import sys

import pandas

if len(sys.argv) != 2:
    sys.stderr.write("usage: bench-pandas.py FILE\n")
    sys.exit(2)
df = pandas.read_json(sys.argv[1], lines=True, dtype=False)
d = df.describe(include="all")
with open("/dev/null", "w") as out:
    out.write(d.to_string())
sys.stderr.write("pandas: %d columns\n" % len(d.columns))
