"""Which deals need a run: a deal reruns when its inputs, the home profile, the playbook or the tool's own
code changed (judged by content hashes, not modification times), or when its outputs were altered."""

from __future__ import annotations

import hashlib

from dd_pipeline.intake import fingerprint
from dd_pipeline.publish import run_of
from dd_pipeline.settings import Settings
from dd_pipeline.warehouse.connection import connect
from dd_pipeline.warehouse.history import code_fingerprint, latest_snapshot, output_fingerprint


def deal_state(settings: Settings, deal_id: str, playbook_fp: str) -> str:
    """One hash of everything a deal's run reads: its folder, the home profile, the playbook, the code."""
    inputs = fingerprint(settings.home_dir, settings.deal_dir(deal_id))
    return hashlib.sha256(f"{inputs}:{playbook_fp}:{code_fingerprint()}".encode()).hexdigest()[:16]


def unchanged_deals(settings: Settings, deal_ids: list[str], playbook_fp: str) -> list[str]:
    """Deals whose last successful run read exactly the current inputs and whose outputs are untouched."""
    if not settings.warehouse_path.is_file():
        return []
    unchanged = []
    with connect(settings.warehouse_path, read_only=True) as con:
        for deal_id in deal_ids:
            snapshot = latest_snapshot(con, deal_id)
            if snapshot is None:
                continue
            same_inputs = snapshot.input_fingerprint == fingerprint(settings.home_dir, settings.deal_dir(deal_id))
            same_rules = (snapshot.playbook_fingerprint == playbook_fp
                          and snapshot.code_fingerprint == code_fingerprint())
            published = settings.deal_outputs(deal_id)
            # the published files are those of the last recorded run, untouched since
            intact = (snapshot.output_fingerprint == output_fingerprint(published)
                      and run_of(published) == snapshot.run_id)
            if same_inputs and same_rules and intact:
                unchanged.append(deal_id)
    return unchanged
