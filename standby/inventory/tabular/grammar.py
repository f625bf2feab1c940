"""The small languages of two spreadsheet cells: ``requires`` and team ``members``.

``requires``: requirements separated by ``;``; each is one id, ``any_of(a, b)`` ("any of" also
works) or ``k of (a, b, c)`` — at least *k* of the listed nodes::

    lan; any_of(isp-a, isp-b); 2 of (db-1, db-2, db-3)

``members``: ``person:role`` separated by ``;``, in order: ``alice:leader; bob:technical``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(?:(?P<id>[A-Za-z0-9._-]+)|(?P<punct>[(),;:]))")


class GrammarError(ValueError):
    """A cell that does not follow its grammar; the message says where and why."""


@dataclass(frozen=True)
class Requirement:
    """At least ``at_least`` of ``keys`` (a single id is ``1`` of one)."""

    at_least: int
    keys: tuple[str, ...]
    form: str  # "id", "any_of" or "at_least", as RequirementForm


def _tokens(text: str) -> list[tuple[str, int]]:
    tokens: list[tuple[str, int]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            bad = text[position:].lstrip()[:1]
            column = len(text) - len(text[position:].lstrip()) + 1
            raise GrammarError(f"unexpected {bad!r} at character {column}")
        value = match.group("id") or match.group("punct")
        tokens.append((value, match.start(match.lastgroup or 0) + 1))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self, ahead: int = 0) -> str | None:
        at = self.index + ahead
        return self.tokens[at][0] if at < len(self.tokens) else None

    def take(self) -> str:
        value = self.tokens[self.index][0]
        self.index += 1
        return value

    def where(self) -> str:
        if self.index < len(self.tokens):
            value, column = self.tokens[self.index]
            return f"{value!r} at character {column}"
        return "the end"

    def expect(self, value: str) -> None:
        if self.peek() != value:
            raise GrammarError(f"expected {value!r}, found {self.where()}")
        self.index += 1

    def identifier(self) -> str:
        value = self.peek()
        if value is None or value in "(),;:":
            raise GrammarError(f"expected an id, found {self.where()}")
        return self.take()

    def group(self) -> tuple[str, ...]:
        self.expect("(")
        keys = [self.identifier()]
        while self.peek() == ",":
            self.take()
            keys.append(self.identifier())
        self.expect(")")
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise GrammarError(f"{', '.join(duplicates)} listed twice in one group")
        return tuple(keys)


def parse_requires(text: str) -> list[Requirement]:
    """Read a ``requires`` cell.

    >>> [(r.at_least, r.keys) for r in parse_requires("lan; any_of(isp-a, isp-b); 2 of (a, b, c)")]
    [(1, ('lan',)), (1, ('isp-a', 'isp-b')), (2, ('a', 'b', 'c'))]
    """
    parser = _Parser(text)
    result: list[Requirement] = []
    while parser.peek() is not None:
        first = parser.identifier()
        following = parser.peek()
        if first.lower() == "any_of" and following == "(":
            result.append(Requirement(1, parser.group(), "any_of"))
        elif first.lower() == "any" and following == "of" and parser.peek(1) == "(":
            parser.take()
            result.append(Requirement(1, parser.group(), "any_of"))
        elif following is not None and following.lower() == "of" and parser.peek(1) == "(":
            if not first.isdigit():
                raise GrammarError(f"expected a number before 'of', found {first!r}")
            parser.take()
            keys = parser.group()
            k = int(first)
            if not 1 <= k <= len(keys):
                raise GrammarError(f"'{k} of' needs a number between 1 and {len(keys)}")
            result.append(Requirement(k, keys, "at_least"))
        elif following == "(":
            raise GrammarError(f"unknown group {first!r}: write any_of(…) or 2 of (…)")
        else:
            result.append(Requirement(1, (first,), "id"))
        if parser.peek() is not None:
            parser.expect(";")
    return result


def format_requires(requirements: list[Requirement]) -> str:
    """The canonical spelling, used to compare a cell with what is stored.

    >>> format_requires(parse_requires("2 of(a,b,c);lan"))
    '2 of (a, b, c); lan'
    """
    parts = []
    for requirement in requirements:
        keys = ", ".join(requirement.keys)
        if len(requirement.keys) == 1:
            parts.append(keys)
        elif requirement.at_least == 1:
            parts.append(f"any_of({keys})")
        else:
            parts.append(f"{requirement.at_least} of ({keys})")
    return "; ".join(parts)


def parse_members(text: str, roles: frozenset[str]) -> list[tuple[str, str]]:
    """Read a team's ``members`` cell: ``person:role; …``.

    >>> parse_members("alice:leader; bob:technical", frozenset({"leader", "technical"}))
    [('alice', 'leader'), ('bob', 'technical')]
    """
    parser = _Parser(text)
    members: list[tuple[str, str]] = []
    while parser.peek() is not None:
        person = parser.identifier()
        parser.expect(":")
        role = parser.identifier().lower()
        if role not in roles:
            raise GrammarError(f"unknown role {role!r}: use one of {', '.join(sorted(roles))}")
        if any(person == p for p, _ in members):
            raise GrammarError(f"{person!r} is listed twice")
        members.append((person, role))
        if parser.peek() is not None:
            parser.expect(";")
    return members
