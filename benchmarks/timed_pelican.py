"""Run `pelican ARGS` and print, on stderr, the peak memory of the build and of its writing helper.

The helper's peak is read from /proc (VmHWM) just before it ends. getrusage cannot give it: a
child's ru_maxrss includes the parent's pages it shared between fork and exec.
"""

from __future__ import annotations

import resource
import sys

from pelican import main

from partners import write_worker

helper_peaks_kb: list[int] = []
_close = write_worker.BackgroundWrites.close


def _close_noting_the_peak(self) -> None:
    """BackgroundWrites.close, after noting the helper's peak resident memory."""
    process = self._process
    if process is not None:
        self.drain()
        with open(f"/proc/{process.pid}/status") as status:
            helper_peaks_kb.append(next(int(line.split()[1]) for line in status if line.startswith("VmHWM")))
    _close(self)


if __name__ == "__main__":
    write_worker.BackgroundWrites.close = _close_noting_the_peak
    code = 0
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code or 0
    print(
        "MAXRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, max(helper_peaks_kb, default=0), file=sys.stderr
    )
    sys.exit(code)
