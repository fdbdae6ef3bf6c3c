"""Issue 20, item 9: design text in Mermaid shows as written — no literal quotes around a
sequence participant, and quotes, brackets, `|`, `<`, `#` and `;` cannot end a label early."""

from __future__ import annotations

import re
from pathlib import Path

from archproof.backends.report import render_markdown
from archproof.backends.report.mermaid import label

from .helpers import design_report

NAME = 'Users "VIP" [beta] | <x> #1; a'
DESIGN = f"""\
meta: {{name: quoting}}
components:
  '{NAME}': {{kind: client}}
  api: {{kind: service, tech: stateless-service}}
  db: {{kind: database, tech: postgresql}}
operations:
  get:
    rate: 10/s
    calls:
      - api.handle: 1ms
      - db.read: 2ms
"""


def _blocks(markdown: str) -> list[str]:
    return [b.split("\n```", 1)[0] for b in markdown.split("```mermaid\n")[1:]]


def _raw(text: str) -> str:
    """`text` without Mermaid's entity codes (`#quot;`, `#59;`), which end in `;` themselves."""
    return re.sub(r"#[a-z0-9]+;", "", text)


def test_label_leaves_no_character_that_ends_a_label() -> None:
    text = _raw(label(NAME))
    for raw in ('"', "<", ">", ";", "\n"):
        assert raw not in text
    assert "[beta] | " in text  # brackets and pipes are harmless inside a quoted label


def test_sequence_participants_carry_no_literal_quotes(tmp_path: Path) -> None:
    md = render_markdown(design_report(DESIGN, tmp_path))
    participants = [
        line.strip() for block in _blocks(md) for line in block.splitlines()
        if line.strip().startswith("participant ")
    ]  # fmt: skip
    assert participants
    for line in participants:
        alias = line.split(" as ", 1)[1]
        assert not alias.startswith('"') and not alias.endswith('"'), line
        assert '"' not in _raw(alias) and "<" not in alias and ";" not in _raw(alias), line
    assert any(
        " as Users #quot;VIP#quot; [beta] | #lt;x#gt; #35;1#59; a" in p for p in participants
    )


def test_flowchart_labels_are_closed_quoted_strings(tmp_path: Path) -> None:
    md = render_markdown(design_report(DESIGN, tmp_path))
    flow = next(b for b in _blocks(md) if b.startswith("flowchart"))
    for line in flow.splitlines()[1:]:
        if "classDef" in line or line.strip().startswith("class "):
            continue
        # every label is "...": an even number of quotes, none escaped into the text
        assert line.count('"') % 2 == 0, line
    assert re.search(r'\["Users #quot;VIP#quot; \[beta\] \| #lt;x#gt; #35;1#59; a"\]', flow) or (
        'Users #quot;VIP#quot; [beta] | #lt;x#gt; #35;1#59; a"' in flow
    )
