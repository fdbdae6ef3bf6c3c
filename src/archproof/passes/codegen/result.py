"""The code stage's result: the files of a generated package, as text, with what they hold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GeneratedFile:
    """One file of the package: a path relative to the output directory, and its text."""

    path: str
    text: str


@dataclass(frozen=True)
class GeneratedPackage:
    """A typed Python package generated from a design, and a summary of what it declares."""

    package: str
    files: tuple[GeneratedFile, ...]
    types: tuple[str, ...]  # ids, enums and records, by name
    protocols: tuple[str, ...]  # `Name.method(signature) -> returns`, one a method
    lifecycles: tuple[str, ...]  # one line per entity lifecycle: how its states are typed

    @property
    def python_files(self) -> tuple[GeneratedFile, ...]:
        return tuple(f for f in self.files if f.path.endswith(".py"))
