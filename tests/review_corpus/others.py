"""Every warning-or-worse finding on the seeded designs that is not the seeded mistake.

For the hand-judged precision table (PRECISION.md): a finding is "the catch" when it is of
the entry's principle at the entry's place (what the scorer counts); everything else the
mutated design draws beyond its base is listed here, one line each, to be judged real or
false by a person. Run: `.venv/bin/python -m tests.review_corpus.others [--key K --bases B]`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", type=Path, default=score.KEY)
    parser.add_argument("--bases", type=Path, default=score.CLEAN)
    parser.add_argument("--catches", action="store_true", help="also list the catches")
    args = parser.parse_args(argv)
    key = args.key if args.key.is_absolute() or args.key.exists() else score.HERE / args.key
    folder = args.bases if args.bases.exists() else score.HERE / args.bases
    bases = {p.name: p.read_text(encoding="utf-8") for p in score.clean_files(folder)}
    already = {
        name: {score.shape(h) for h in score.review_text(name, text).findings}
        for name, text in bases.items()
    }
    total = catches = 0
    for entry in score.load_key(key):
        text = score.mutated_text(entry, bases)
        doc = score.load_doc(text)
        wheres = score.where_paths(entry, doc)
        reviewed = score.review_text(f"{entry['id']}.yaml", text, doc)
        for hit in reviewed.findings:
            if score.shape(hit) in already[entry["base"]]:
                continue
            total += 1
            at = any(score.is_under(tuple(p.split(".")), w) for p in hit.paths for w in wheres)
            if at and hit.principle == entry["principle"]:
                catches += 1
                if not args.catches:
                    continue
            place = (
                "catch"
                if at and hit.principle == entry["principle"]
                else ("at the place" if at else "elsewhere")
            )
            print(
                f"{entry['id']}\t{entry['base']}\t{hit.code}\t{place}\t{hit.element}\t{hit.message}"
            )
    print(f"# {total} warning+ findings beyond the bases, {catches} of them catches")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
