"""A synthetic portfolio of deals in the normal input format, seeded so the same arguments give the same bytes.

Layout written under the folder given (the folder that holds ``inputs/``, like the project root):

    inputs/home/organization.yaml     the home organization (four divisions)
    inputs/home/answers.csv           R home respondents rating home on every dimension
    inputs/deals/<deal_id>/deal.yaml
    inputs/deals/<deal_id>/answers_partner.csv   R partner respondents: about the partner (every dimension)
                                                  and about home (dimensions rated by both sides)
    inputs/deals/<deal_id>/answers_home.csv      the R home respondents: about the partner, plus their
                                                  deal-specific view of home on a few dimensions
    inputs/deals/<deal_id>/evidence.csv          1-5 notes (most deals; none for the others)
    portfolio.json                    the arguments, so a run can tell whether a folder is what it asks for

Each deal draws from its own random stream (seed, deal number), so the first 100 deals of a 1,000-deal
portfolio are the 100-deal portfolio with the same seed. Answers come from a latent profile per side and
dimension, a division offset, a respondent's noise and (for views of the other side) a perception bias,
rounded to the scale; about 1% are 'n/a' and 1% 'unknown'.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from dd_pipeline.models import Perspective
from dd_pipeline.playbook import Playbook

ANSWER_HEADER = ["respondent_id", "respondent_side", "division", "level", "rated_side", "dimension", "value", "comment"]
EVIDENCE_HEADER = ["dimension", "about_side", "kind", "observation", "source", "recorded_on"]
LEVELS = ("executive", "middle", "operational")
HOME_DIVISIONS = ("Corporate Development", "Cardiovascular Devices", "Diagnostics", "Surgical Instruments")
PARTNER_DIVISIONS = (
    "Research",
    "Clinical Operations",
    "Commercial",
    "Manufacturing",
    "Regulatory Affairs",
    "Alliance Management",
    "Finance",
    "Medical Affairs",
)
NAME_STEMS = (
    "Aster",
    "Boreal",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Halcyon",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orchid",
    "Pioneer",
    "Quarry",
    "Ridgeway",
    "Sable",
    "Tidewater",
)
NAME_TRADES = (
    "Biologics",
    "Diagnostics",
    "Therapeutics",
    "Medical Systems",
    "Pharma",
    "Devices",
    "Health",
    "Life Sciences",
)
GOVERNING_LAWS = (
    "the laws of the State of Delaware",
    "the laws of the State of New York",
    "the laws of England and Wales",
)
CADENCES = ("weekly", "every two weeks", "monthly", "every two months", "quarterly")
EVIDENCE_KINDS = ("strength", "weakness", "observation")
EVIDENCE_SOURCES = (
    "Diligence meeting",
    "Term sheet negotiation log",
    "Reference call",
    "Site visit",
    "Deal team notes",
)
# The home respondents rate these about home again for each deal (they differ from deal to deal).
DEAL_SPECIFIC_HOME = ("strategic_importance", "competitive_overlap")
MISSING_SHARE = 0.01  # of answers 'n/a', and again of answers 'unknown'
FIRST_TERM_SHEET = dt.date(2027, 1, 4)
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class Portfolio:
    """A generated portfolio: the folder that holds inputs/, and its deal ids in order."""

    root: Path
    deals: int
    respondents: int
    seed: int
    deal_ids: tuple[str, ...]
    answers_per_deal: int  # rows the warehouse holds per deal (the home profile is counted in every deal)

    @property
    def inputs_dir(self) -> Path:
        return self.root / "inputs"

    @property
    def answer_rows(self) -> int:
        return self.deals * self.answers_per_deal


class PortfolioFolderError(Exception):
    """The target folder holds something that is not a generated portfolio; nothing was written."""


def deal_id(number: int, deals: int) -> str:
    return f"deal-{number:0{max(4, len(str(deals)))}d}"


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, stream]))


@dataclass(frozen=True)
class _Framework:
    """The playbook's dimensions as arrays, in framework order."""

    ids: list[str]
    lo: np.ndarray
    hi: np.ndarray
    both: np.ndarray  # True where each side also rates the other

    @classmethod
    def of(cls, playbook: Playbook) -> _Framework:
        dims = playbook.dimensions
        return cls(
            ids=[d.id for d in dims],
            lo=np.array([d.scale.min for d in dims], dtype=float),
            hi=np.array([d.scale.max for d in dims], dtype=float),
            both=np.array([d.perspective is Perspective.both for d in dims]),
        )

    def latent(self, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(self.lo, self.hi)

    def answers(self, rng: np.random.Generator, centre: np.ndarray, offsets: np.ndarray) -> list[list[str]]:
        """Rounded answers of len(offsets) respondents around ``centre``: values as text, some 'n/a'/'unknown'."""
        spread = (self.hi - self.lo) * 0.18
        raw = centre + offsets + rng.normal(0.0, 1.0, offsets.shape) * spread
        values = np.clip(np.rint(raw), self.lo, self.hi).astype(int)
        missing = rng.random(offsets.shape)
        text = values.astype(str).astype(object)
        text[missing < MISSING_SHARE] = "n/a"
        text[(missing >= MISSING_SHARE) & (missing < 2 * MISSING_SHARE)] = "unknown"
        return text.tolist()


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _respondents(prefix: str, count: int, divisions: tuple[str, ...]) -> list[tuple[str, str, str]]:
    width = max(3, len(str(count)))
    return [
        (f"{prefix}{i + 1:0{width}d}", divisions[i % len(divisions)], LEVELS[i % len(LEVELS)]) for i in range(count)
    ]


def _division_offsets(rng: np.random.Generator, fw: _Framework, people: list[tuple[str, str, str]]) -> np.ndarray:
    names = sorted({p[1] for p in people})
    by_division = {name: rng.normal(0.0, 1.0, len(fw.ids)) * (fw.hi - fw.lo) * 0.08 for name in names}
    return np.array([by_division[p[1]] for p in people])


def _home(fw: _Framework, seed: int, respondents: int) -> tuple[np.ndarray, list[tuple[str, str, str]], str]:
    rng = _rng(seed, 0)
    profile = fw.latent(rng)
    people = _respondents("H", respondents, HOME_DIVISIONS)
    offsets = _division_offsets(rng, fw, people)
    values = fw.answers(rng, profile, offsets)
    rows = [
        [rid, "home", division, level, "home", dim, values[i][j], ""]
        for i, (rid, division, level) in enumerate(people)
        for j, dim in enumerate(fw.ids)
    ]
    return profile, people, _csv_text(ANSWER_HEADER, rows)


def _organization_yaml() -> str:
    doc = {
        "name": "Larkspur Medical, Inc.",
        "short_name": "Larkspur",
        "divisions": list(HOME_DIVISIONS),
        "alliance_manager": {
            "name": "Dana Whitfield",
            "role": "Director, Alliance Management",
            "email": "dana.whitfield@larkspur-medical.example",
        },
    }
    return "# Synthetic home organization for the benchmark portfolio.\n" + yaml.safe_dump(doc, sort_keys=False)


def _deal_yaml(rng: np.random.Generator, playbook: Playbook, identifier: str, number: int) -> tuple[str, dt.date]:
    stem = NAME_STEMS[int(rng.integers(len(NAME_STEMS)))]
    trade = NAME_TRADES[int(rng.integers(len(NAME_TRADES)))]
    alliance_type = playbook.alliance_type_ids[int(rng.integers(len(playbook.alliance_type_ids)))]
    term_sheet = FIRST_TERM_SHEET + dt.timedelta(days=int(number % 365))
    effective = term_sheet + dt.timedelta(days=int(rng.integers(30, 150)))
    tiers = [int(d) for d in rng.integers(5, 30, int(rng.integers(1, 4)))]
    doc = {
        "deal_id": identifier,
        "partner": f"{stem} {trade} {number} Corporation",
        "partner_short_name": f"{stem} {number}",
        "alliance_type": alliance_type,
        "description": f"Synthetic {alliance_type.replace('_', '-')} alliance number {number} of the "
        "benchmark portfolio.",
        "term_sheet_date": term_sheet.isoformat(),
        "effective_date": effective.isoformat(),
        "home_alliance_manager": {"name": "Dana Whitfield", "role": "Director, Alliance Management"},
        "partner_alliance_manager": {"name": f"Alex {stem}", "role": "Alliance Director"},
        "deal_team": [
            {"name": "Marcus Oyelaran", "role": "Vice President, Business Development"},
            {"name": "Priya Raman", "role": "Senior Legal Counsel"},
        ],
        "governance": {
            "steering_committee": "Joint Steering Committee",
            "operating_committee": "Joint Operating Committee",
            "steering_cadence": CADENCES[int(rng.integers(2, 5))],
            "operating_cadence": CADENCES[int(rng.integers(0, 3))],
            "escalation_days": tiers,
        },
        "clause_parameters": {"governing_law": GOVERNING_LAWS[int(rng.integers(len(GOVERNING_LAWS)))]},
    }
    return yaml.safe_dump(doc, sort_keys=False), term_sheet


def _evidence_csv(rng: np.random.Generator, fw: _Framework, term_sheet: dt.date) -> str | None:
    """evidence.csv with 0-5 notes (no file when there are none: a header alone is an input error)."""
    rows = []
    for k in range(int(rng.integers(0, 6))):
        dim = fw.ids[int(rng.integers(len(fw.ids)))]
        about = ("home", "partner")[int(rng.integers(2))]
        kind = EVIDENCE_KINDS[int(rng.integers(len(EVIDENCE_KINDS)))]
        source = EVIDENCE_SOURCES[int(rng.integers(len(EVIDENCE_SOURCES)))]
        day = term_sheet + dt.timedelta(days=7 * (k + 1))
        rows.append(
            [dim, about, kind, f"Synthetic note {k + 1} on {dim.replace('_', ' ')} ({about}).", source, day.isoformat()]
        )
    return _csv_text(EVIDENCE_HEADER, rows) if rows else None


def _deal_files(
    playbook: Playbook,
    fw: _Framework,
    seed: int,
    number: int,
    deals: int,
    home_profile: np.ndarray,
    home_people: list[tuple[str, str, str]],
    respondents: int,
) -> dict[str, str | None]:
    identifier = deal_id(number, deals)
    rng = _rng(seed, number)
    deal_text, term_sheet = _deal_yaml(rng, playbook, identifier, number)
    partner_profile = fw.latent(rng)
    divisions = tuple(
        sorted(str(d) for d in rng.choice(PARTNER_DIVISIONS, size=int(rng.integers(2, 5)), replace=False))
    )
    partner_people = _respondents("P", respondents, divisions)
    scale = fw.hi - fw.lo
    # how each side misjudges the other, per dimension (the perception gap)
    partner_sees_home = home_profile + rng.normal(0.0, 1.0, len(fw.ids)) * scale * 0.12
    home_sees_partner = partner_profile + rng.normal(0.0, 1.0, len(fw.ids)) * scale * 0.12
    partner_offsets = _division_offsets(rng, fw, partner_people)
    partner_self = fw.answers(rng, partner_profile, partner_offsets)
    partner_other = fw.answers(rng, partner_sees_home, partner_offsets)
    home_offsets = np.zeros((respondents, len(fw.ids)))
    home_other = fw.answers(rng, home_sees_partner, home_offsets)
    specific = [j for j, dim in enumerate(fw.ids) if dim in DEAL_SPECIFIC_HOME]
    home_now = home_profile + rng.normal(0.0, 1.0, len(fw.ids)) * scale * 0.15
    home_specific = fw.answers(rng, home_now, home_offsets)
    both = [j for j in range(len(fw.ids)) if fw.both[j]]

    partner_rows = []
    for i, (rid, division, level) in enumerate(partner_people):
        partner_rows += [
            [rid, "partner", division, level, "partner", fw.ids[j], partner_self[i][j], ""] for j in range(len(fw.ids))
        ]
        partner_rows += [[rid, "partner", division, level, "home", fw.ids[j], partner_other[i][j], ""] for j in both]
    home_rows = []
    for i, (rid, division, level) in enumerate(home_people):
        home_rows += [[rid, "home", division, level, "partner", fw.ids[j], home_other[i][j], ""] for j in both]
        home_rows += [[rid, "home", division, level, "home", fw.ids[j], home_specific[i][j], ""] for j in specific]
    return {
        "deal.yaml": "# Synthetic deal for the benchmark portfolio.\n" + deal_text,
        "answers_partner.csv": _csv_text(ANSWER_HEADER, partner_rows),
        "answers_home.csv": _csv_text(ANSWER_HEADER, home_rows),
        "evidence.csv": _evidence_csv(rng, fw, term_sheet),
    }


def _manifest(deals: int, respondents: int, seed: int, playbook: Playbook) -> dict[str, object]:
    return {
        "generator_version": GENERATOR_VERSION,
        "deals": deals,
        "respondents": respondents,
        "seed": seed,
        "playbook": playbook.fingerprint,
        "generator_sha": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16],
    }


def _prepare(root: Path) -> None:
    """Empty ``root`` of a previous portfolio; refuse to touch a folder that holds anything else."""
    if not root.exists():
        root.mkdir(parents=True)
        return
    entries = {p.name for p in root.iterdir()}
    if entries and not (root / "portfolio.json").is_file():
        raise PortfolioFolderError(
            f"{root} is not empty and holds no portfolio.json: choose an empty folder for the generated portfolio"
        )
    for name in ("inputs", "portfolio.json"):
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _per_deal(playbook: Playbook, respondents: int) -> int:
    fw = _Framework.of(playbook)
    both = int(fw.both.sum())
    return respondents * (len(fw.ids) + both) * 2


def existing_portfolio(root: Path, deals: int, respondents: int, seed: int, playbook: Playbook) -> Portfolio | None:
    """The portfolio already in ``root`` when it was generated with these arguments, else None."""
    manifest = root / "portfolio.json"
    if not manifest.is_file():
        return None
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if found != _manifest(deals, respondents, seed, playbook):
        return None
    ids = tuple(deal_id(n, deals) for n in range(1, deals + 1))
    if not all((root / "inputs" / "deals" / d / "deal.yaml").is_file() for d in ids):
        return None
    return Portfolio(root, deals, respondents, seed, ids, _per_deal(playbook, respondents))


def generate_portfolio(root: Path, deals: int, respondents: int, seed: int, playbook: Playbook) -> Portfolio:
    """Write ``deals`` deals with ``respondents`` respondents per side into ``root``/inputs/."""
    if deals < 1 or respondents < 1:
        raise ValueError("a portfolio needs at least one deal and one respondent per side")
    _prepare(root)
    fw = _Framework.of(playbook)
    home_dir = root / "inputs" / "home"
    home_dir.mkdir(parents=True)
    home_profile, home_people, home_csv = _home(fw, seed, respondents)
    (home_dir / "organization.yaml").write_text(_organization_yaml(), encoding="utf-8")
    (home_dir / "answers.csv").write_text(home_csv, encoding="utf-8")
    ids = []
    for number in range(1, deals + 1):
        identifier = deal_id(number, deals)
        folder = root / "inputs" / "deals" / identifier
        folder.mkdir(parents=True)
        files = _deal_files(playbook, fw, seed, number, deals, home_profile, home_people, respondents)
        for name, text in files.items():
            if text is not None:
                (folder / name).write_text(text, encoding="utf-8")
        ids.append(identifier)
    (root / "portfolio.json").write_text(
        json.dumps(_manifest(deals, respondents, seed, playbook), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return Portfolio(root, deals, respondents, seed, tuple(ids), _per_deal(playbook, respondents))
