"""Before a command decides anything: finish what killed runs left in outputs/.staging/.

Kept free of Dagster and of the pipeline's modules, so a command with nothing to run (a rerun with no change)
does not pay for importing them.
"""

from __future__ import annotations

from dd_pipeline.errors import ProblemList
from dd_pipeline.publish import recover, staged_runs
from dd_pipeline.settings import Settings


def recover_outputs(settings: Settings) -> list[str]:
    """What killed runs left in outputs/.staging/: a recorded run is published (and the portfolio page
    rewritten to match), the rest removed. Returns the deals published."""
    published = recover(settings, committed=_committed(settings))
    if published:
        from dd_pipeline.playbook import load_playbook
        from dd_pipeline.reporting.portfolio import write_portfolio
        from dd_pipeline.warehouse.connection import connect

        try:
            names = {t.id: t.name for t in load_playbook(settings.assets_dir).alliance_types}
        except ProblemList:
            names = {}  # the page then shows alliance types by their ids
        with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
            write_portfolio(con, settings, names)
    return published


def _committed(settings: Settings) -> set[tuple[str, str]]:
    """Those of the ended runs with a staging folder that are recorded in the history."""
    staged = staged_runs(settings)
    if not staged or not settings.has_warehouse:
        return set()
    from dd_pipeline.warehouse.connection import connect
    from dd_pipeline.warehouse.history_reads import recorded_runs

    with connect(settings.warehouse_path, read_only=True, lake=settings.lake) as con:
        return recorded_runs(con, [run_id for _, run_id in staged])
