"""Errors raised while reading or validating a model file.

Every error is a :class:`ModelFileError` carrying one or more :class:`Problem`, each with a
*path* into the document (``assets[3].requires[1]``) and a human message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A path into the document as parts: section/key names and list indexes.
PathParts = Sequence[str | int]

#: How many problems the exception message lists before saying "and N more".
_MESSAGE_LIMIT = 20


def format_path(parts: Iterable[str | int]) -> str:
    """Spell a path the way problems show it.

    Parameters
    ----------
    parts
        Keys (``str``) and list indexes (``int``) from the document root.

    Returns
    -------
    str
        The path, for example ``assets[3].requires[1]``; ``""`` for the root.

    Examples
    --------
    >>> format_path(["assets", 3, "requires", 1])
    'assets[3].requires[1]'
    >>> format_path([])
    ''
    """
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append(f".{part}")
        else:
            out.append(part)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a model file.

    Parameters
    ----------
    path
        Where in the document, e.g. ``assets[3].requires[1]``; ``""`` for the whole file.
    message
        What is wrong, e.g. ``unknown id 'lan-2'``.

    Examples
    --------
    >>> str(Problem("assets[3].requires[1]", "unknown id 'lan-2'"))
    "assets[3].requires[1]: unknown id 'lan-2'"
    >>> str(Problem("", "the file is empty"))
    'the file is empty'
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ModelFileError(ValueError):
    """A model file could not be read or is not valid.

    Parameters
    ----------
    problems
        Every problem found (at least one), in the order found.

    Examples
    --------
    >>> err = ModelFileError([Problem("people[0].name", "expected a string, got int")])
    >>> print(err)
    people[0].name: expected a string, got int
    >>> len(err.problems)
    1
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ModelFileError needs at least one problem")
        lines = [str(p) for p in self.problems[:_MESSAGE_LIMIT]]
        if len(self.problems) > _MESSAGE_LIMIT:
            lines.append(f"... and {len(self.problems) - _MESSAGE_LIMIT} more problems")
        super().__init__("\n".join(lines))

    @classmethod
    def single(cls, path: str, message: str) -> ModelFileError:
        """Build an error with one problem.

        Examples
        --------
        >>> str(ModelFileError.single("", "the file is empty"))
        'the file is empty'
        """
        return cls([Problem(path, message)])
