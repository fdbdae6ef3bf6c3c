"""Build the compiled simulator once, beside the MCP server, so `simulate` stays in budget.

The simulator's kernels are compiled by numba on first use and cached on disk. On a machine
where that cache is cold the compile costs tens of seconds of CPU: more than one tool call's
time budget, and a call stopped half-way would leave the cache cold for the next one too.
So the server runs this module once, in its own process without a time budget, when its
first worker starts; until it has finished, `simulate` calls run on the plain-Python kernel
(and say so). With a warm cache it loads the kernels and exits in about a second.

    python -m archproof.cli.mcp_warmup
"""

from __future__ import annotations

import os
import sys

# One design per kernel: a chain without policies runs the tandem kernel, a call with a
# timeout and retries the general one.
_TANDEM = """\
meta: {name: warm-up-tandem}
components:
  api: {kind: service, tech: stateless-service}
  db: {kind: database, tech: postgresql}
operations:
  get: {rate: 10/s, calls: [api.handle: 1ms, db.read: 2ms]}
"""
_GENERAL = """\
meta: {name: warm-up-general}
components:
  api: {kind: service, tech: stateless-service}
  db: {kind: database, tech: postgresql}
operations:
  get:
    rate: 10/s
    calls:
      - api.handle: 1ms
      - call: db.read
        timeout: 20ms
        retries: {count: 1, backoff: 5ms, jitter: 50%}
        on_failure: fail_closed
"""


def warm_up() -> int:
    """Run a tiny simulation on each kernel with numba (compiling and caching it)."""
    from archproof.frontends.yaml_loader import load_text
    from archproof.passes.base import Options
    from archproof.passes.simulate.kernel import HAVE_NUMBA
    from archproof.pipeline import run

    if not HAVE_NUMBA:
        return 0  # nothing to build: simulations run on the plain-Python kernel
    options = Options(sim_requests=1000, sim_replications=1, sim_backend="numba")
    for text in (_TANDEM, _GENERAL):
        run(load_text(text, "<warm-up>"), passes=("simulate",), options=options)
    return 0


def main() -> int:
    os.dup2(2, 1)  # nothing this process prints belongs on the server's stdout
    sys.stdout = sys.stderr
    return warm_up()


if __name__ == "__main__":
    sys.exit(main())
