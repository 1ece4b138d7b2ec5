"""Walks along CMOC hand-offs (LEADS_TO), made lazily so that a caller can stop at a limit.

A densely linked theory holds more chains than anyone can read: 60 CMOCs each leading into
the next two hold over a million walks 20 CMOCs long. :func:`walks` yields them one by one,
depth first in the order the hand-offs are listed, so memory stays bounded whatever the
theory and a query takes as many as its limit allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

__all__ = ["walks"]


def walks(
    onward: Callable[[str], Sequence[str]], starts: Iterable[str], max_cmocs: int
) -> Iterator[list[str]]:
    """Every maximal walk from each start: it visits no CMOC twice, holds at most
    ``max_cmocs`` CMOCs, and ends where it can go no further (or at that length).

    >>> links = {"a": ["b", "c"], "b": ["c"], "c": ["a"]}
    >>> list(walks(lambda c: links.get(c, []), ["a"], 3))
    [['a', 'b', 'c'], ['a', 'c']]
    >>> list(walks(lambda c: links.get(c, []), ["a"], 2))
    [['a', 'b'], ['a', 'c']]
    """
    for start in starts:
        path = [start]
        on = {start}
        first = [c for c in onward(start) if c not in on] if max_cmocs > 1 else []
        if not first:
            yield [start]
            continue
        stack = [iter(first)]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                on.discard(path.pop())
                continue
            path.append(nxt)
            on.add(nxt)
            further = [c for c in onward(nxt) if c not in on] if len(path) < max_cmocs else []
            if further:
                stack.append(iter(further))
                continue
            yield list(path)
            on.discard(path.pop())
