#!/usr/bin/env python3
"""Does translating a draft back into English tell Apertium's garbage from its acceptable drafts?

Every draft of bench/data/labelled-drafts.json goes back into English through
the reverse Apertium mode (spa-eng, cat-eng, gl-en, eo-en), one batch per
language, and gets the score the engine records at draft time
(:func:`localize.loss.agreement`: the F1 score of the source's and the
translation back's lower-case words). The drafts go back as finished text
(tags out, names and numbers in), where the engine sends its own answer with
tokens as numbers: names count here as words both sides agree on.

Prints a threshold sweep (garbage and acceptable drafts under each threshold,
alone and together with the other checks of machine output, for every source
and for sources of ``machine.ROUND_TRIP_WORDS`` words or more), the threshold
chosen on three languages and tried on the fourth (each in turn), and what the
score says of people's translations: the Spanish human translations of
tests/pages/real/ sent back through spa-eng, against Apertium's own drafts of
the same English units. The check reads the score only while the translation
is still the engine's draft, and this last table says why.

Usage: bench/round_trip.py
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from localize import loss  # noqa: E402
from localize.checks import machine  # noqa: E402
from localize.checks.base import plain_text  # noqa: E402
from localize.engines import apertium  # noqa: E402

DATA = REPO / "bench" / "data" / "labelled-drafts.json"
FORWARD = {"es": "eng-spa", "ca": "eng-cat", "gl": "en-gl", "eo": "en-eo"}
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def plain(text: str) -> str:
    return " ".join(plain_text(text, " ").split())


def scores(drafts: list[dict]) -> dict[int, tuple[float, str]]:
    """Each labelled draft's round-trip score and fingerprint, by its id."""
    found = {}
    for language, mode in FORWARD.items():
        records = [r for r in drafts if r["language"] == language]
        back = apertium.round_trip([plain(r["source"]) for r in records], [plain(r["draft"]) for r in records],
                                   apertium.reverse_mode(mode))
        if back is None:
            raise SystemExit(f"apertium {apertium.reverse_mode(mode)} is not installed (scripts/setup)")
        for r, score in zip(records, back):
            found[r["id"]] = (score, loss.fingerprint(plain(r["draft"]), plain(r["source"])))
    return found


def with_round_trip(comments: list[str], score: float, mark: str) -> list[str]:
    """The entry's comments with the round-trip score in its draft comment, where the engine writes it."""
    out = []
    for comment in comments:
        if comment.startswith("draft: apertium ") and machine.ROUND_TRIP not in comment:
            head, _, rest = comment.partition(";")
            comment = f"{head}; {machine.ROUND_TRIP} {score:.2f} {mark}" + (f";{rest}" if rest else "")
        out.append(comment)
    return out


def _flagged_otherwise(drafts: list[dict]) -> dict[int, bool]:
    """Whether the other checks of machine output flag each draft (bench/qa_garbage.py's run)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("qa_garbage", REPO / "bench" / "qa_garbage.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    units = module.labelled(data, round_trip=False)
    return {r["id"]: u.flagged for r, u in zip(data["drafts"], units)}


def _row(rows, label, pick) -> str:
    chosen = [r for r in rows if r["label"] == label]
    n = sum(map(pick, chosen))
    return f"{n}/{len(chosen)} ({n / len(chosen):.0%})" if chosen else "-"


def sweep(rows: list[dict], long_only: bool) -> list[str]:
    words = machine.ROUND_TRIP_WORDS if long_only else 0
    lines = [f"| under | garbage (round trip) | acceptable (round trip) | garbage (all checks) | acceptable (all checks) |",
             "|-------|------|------|------|------|"]
    for t in THRESHOLDS:
        hit = lambda r: r["words"] >= words and r["score"] < t  # noqa: E731
        lines.append(f"| {t:.2f} | {_row(rows, 'garbage', hit)} | {_row(rows, 'acceptable', hit)} | "
                     f"{_row(rows, 'garbage', lambda r: r['other'] or hit(r))} | "
                     f"{_row(rows, 'acceptable', lambda r: r['other'] or hit(r))} |")
    return lines


def held_out(rows: list[dict]) -> list[str]:
    """The threshold picked on three languages (garbage flagged >= 90 % with the fewest acceptable drafts)
    and tried on the fourth."""
    words = machine.ROUND_TRIP_WORDS
    lines, total = [], [0, 0, 0, 0]
    for language in FORWARD:
        train = [r for r in rows if r["language"] != language]
        test = [r for r in rows if r["language"] == language]
        best = None
        for t in sorted({r["score"] for r in train} | {1.01}):
            hit = lambda r: r["other"] or (r["words"] >= words and r["score"] < t)  # noqa: E731
            g = [hit(r) for r in train if r["label"] == "garbage"]
            a = sum(hit(r) for r in train if r["label"] == "acceptable")
            if sum(g) >= 0.9 * len(g) and (best is None or a < best[1]):
                best = (t, a)
        t = best[0]
        hit = lambda r: r["other"] or (r["words"] >= words and r["score"] < t)  # noqa: E731
        g = [hit(r) for r in test if r["label"] == "garbage"]
        a = [hit(r) for r in test if r["label"] == "acceptable"]
        total = [total[0] + sum(g), total[1] + len(g), total[2] + sum(a), total[3] + len(a)]
        lines.append(f"  {language}: threshold {t:.2f} from the others; garbage {sum(g)}/{len(g)}, "
                     f"acceptable {sum(a)}/{len(a)}")
    lines.append(f"  together: garbage {total[0]}/{total[1]} ({total[0] / total[1]:.0%}), "
                 f"acceptable {total[2]}/{total[3]} ({total[2] / total[3]:.0%})")
    return lines


def people() -> list[str]:
    """Spanish human translations and Apertium's drafts of the same English units, both sent back."""
    import realpages
    pairs = []
    for page in realpages.corpus():
        for language in page.languages:
            if language.split("-")[0] != "es":
                continue
            alignment = realpages.align(page.source.read_bytes(), page.edition(language).read_bytes())
            pairs += [(plain(e), plain(t)) for e, t in alignment.translations.items()
                      if realpages.plain(t) != realpages.plain(e) and loss.words(plain(e)) >= machine.ROUND_TRIP_WORDS]
    english = [e for e, _ in pairs]
    drafts = [d.text for d in apertium.Apertium().translate(english, "en", "es")]
    human = apertium.round_trip(english, [t for _, t in pairs], "spa-eng")
    machine_ = apertium.round_trip(english, drafts, "spa-eng")
    lines = [f"Spanish units of tests/pages/real/ of {machine.ROUND_TRIP_WORDS} words or more ({len(pairs)}), "
             "sent back through spa-eng: under each threshold"]
    for t in (0.7, 0.8):
        lines.append(f"  under {t:.2f}: human translations {sum(s < t for s in human)}/{len(human)}, "
                     f"Apertium's drafts {sum(s < t for s in machine_)}/{len(machine_)}")
    return lines


def main() -> int:
    logging.getLogger("localize.checks").setLevel(logging.ERROR)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    found = scores(data["drafts"])
    other = _flagged_otherwise(data["drafts"])
    rows = [{"label": r["label"], "language": r["language"], "score": found[r["id"]][0],
             "words": loss.words(plain(r["source"])), "other": other[r["id"]]} for r in data["drafts"]]
    out = ["Round-trip score of the labelled Apertium drafts: drafts under each threshold",
           "(all checks: flagged by the other checks of machine output or under the threshold)", "",
           "Every source:", *sweep(rows, False), "",
           f"Sources of {machine.ROUND_TRIP_WORDS} words or more only (the check's rule; "
           f"{sum(r['words'] >= machine.ROUND_TRIP_WORDS for r in rows if r['label'] == 'garbage')} garbage, "
           f"{sum(r['words'] >= machine.ROUND_TRIP_WORDS for r in rows if r['label'] == 'acceptable')} acceptable):",
           *sweep(rows, True), "",
           "Threshold chosen on three languages, tried on the fourth (sources of "
           f"{machine.ROUND_TRIP_WORDS} words or more):", *held_out(rows), "",
           *people(), "",
           f"The check: under {machine.ROUND_TRIP_MIN:.2f}, sources of {machine.ROUND_TRIP_WORDS} words or more."]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
