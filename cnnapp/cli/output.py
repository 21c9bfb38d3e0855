"""What the command line prints: plain text tables and a live progress line for jobs."""

from __future__ import annotations

import sys
import time

from cnnapp.nets.table import cell
from cnnapp.training.scoring import RESULT_COLUMNS

# Short titles of RESULT_COLUMNS, in its order, for a terminal.
RESULT_HEADERS = ["train loss", "train acc", "val loss", "val acc", "test acc"]


def format_table(headers: list[str], rows: list[list]) -> str:
    """A plain text table with right-aligned columns."""
    cells = [[cell(v, empty="-") for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def result_row(metrics: dict) -> list:
    return [metrics.get(k) for k in RESULT_COLUMNS]


def progress_line(status) -> str:
    if status.state == "queued":
        return f"queued (position {status.position})"
    if not status.epochs or not status.batches:
        return f"{status.phase or status.state}..."
    done = ((status.epoch or 1) - 1 + (status.batch or 0) / status.batches) / status.epochs
    filled = int(done * 30)
    last = status.batch_points[-1] if status.batch_points else {}
    eta = f" ETA {status.eta_s:.0f}s" if status.eta_s else ""
    return (
        f"epoch {status.epoch}/{status.epochs} [{'#' * filled}{'.' * (30 - filled)}] "
        f"batch {status.batch}/{status.batches} loss {last.get('loss', float('nan')):.4f} "
        f"acc {last.get('accuracy', float('nan')):.4f}{eta}"
    )


def wait_for(executor, job_ids: list[str], quiet: bool = False) -> list:
    """Polls jobs until all are done, drawing a one-line progress bar on stderr."""
    try:
        while True:
            statuses = [executor.status(job_id, "cli") for job_id in job_ids]
            running = [s for s in statuses if not s.done]
            if not quiet and running:
                line = progress_line(running[0])
                prefix = (
                    f"[{len(statuses) - len(running) + 1}/{len(statuses)}] "
                    if len(job_ids) > 1
                    else ""
                )
                print(
                    f"\r{prefix}{running[0].label}: {line}"[:160].ljust(160),
                    end="",
                    file=sys.stderr,
                )
            if not running:
                if not quiet:
                    print(file=sys.stderr)
                return statuses
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping (the partial run is kept)...", file=sys.stderr)
        for job_id in job_ids:
            executor.cancel(job_id, "cli")
        return wait_for(executor, job_ids, quiet=True)
