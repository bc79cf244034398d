"""How big a call's result could be, worked out from its inputs before it runs.

A list of known tricks always misses the next one (``str.join``, ``|indent`` on many lines,
a width repeated in a format pattern). Here every call and filter gets an upper bound on
its result from the sizes of what goes in: a text can only grow by multiplying, so the
bound is the inputs' total size times any counts or widths, with a closer estimate for
the operations where that would refuse ordinary templates (or say too little). Bounding
what one C call may build also bounds its time, which the line tracer cannot interrupt.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from typing import Any

from jinja2.exceptions import SecurityError

MAX_TEXT = 200_000  # characters in any one string; a follow-up is a few hundred
_NUMBER = 1_300  # the most characters a number allowed here prints as (4,096 bits)
_OTHER = 16  # a value that is neither text, list nor number (a date, a field group)
_WIDTH = re.compile(r"\d+")
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)


class TooLong(SecurityError):
    """A call that would build more text than a template may; says which, in plain words."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"This template would build a text longer than {MAX_TEXT:,} characters "
            f"(in “{where}”), so it was stopped."
        )
        self.where = where


def size(value: Any, limit: int = MAX_TEXT) -> int:
    """Characters ``value`` could print as, counted only until past ``limit``: a list
    holding itself ten times over, ten levels deep, is not walked 10¹⁰ times."""
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif type(item) in (list, tuple):  # the common case, kept quick: texts inline
            total += 1
            for inner in item:
                if type(inner) is str:
                    total += len(inner)
                elif type(inner) is int:
                    total += min(_NUMBER, inner.bit_length() // 3 + 2)
                else:
                    stack.append(inner)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += min(_NUMBER, item.bit_length() // 3 + 2)
        elif isinstance(item, float):
            total += 24
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1  # at least a character an item, as joining them gives
            stack.extend(item)
        elif isinstance(item, dict):
            total += 1
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += _OTHER
    return total


def _ints(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[int]:
    values = (*args, *kwargs.values())
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _inputs(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return size((owner, args, tuple(kwargs.values())))


def generic_bound(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Any call: what goes in, each text or list given possibly repeated once for every
    item (or character) of the value, times every count or width, plus each of them (a
    width alone pads to itself). Loose on purpose: a new method meets it unstudied."""
    given = size((args, tuple(kwargs.values())))
    result = size(owner) + given * (_items(owner) + 1)
    for number in _ints(args, kwargs):
        if abs(number) > 1:
            result = min(result * abs(number), MAX_TEXT * MAX_TEXT)
        result += abs(number)
    return result


def _items(value: Any) -> int:
    if isinstance(value, str | list | tuple | dict | set | frozenset):
        return len(value)
    return 0


def _text(value: Any) -> str:
    """The text a filter makes of its value (a list is written out as Python does), to
    count in it what the filter would repeat; a value too big to write out is refused."""
    if isinstance(value, str):
        return value
    if size(value) * 6 > MAX_TEXT:  # "'a', " for each "a": the most repr() adds
        raise TooLong("a list written out")
    return str(value)


def _replaced(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``s.replace(old, new)``: each occurrence (one per character for ``""``) grows by
    ``new``; the occurrences are counted, which costs no more than reading the text."""
    text, old = _text(owner), _arg(args, kwargs, 0, "old")
    new = size(_arg(args, kwargs, 1, "new"))
    found = text.count(old) if isinstance(old, str) and old else len(text) + 1
    return len(text) + found * new


def _joined(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``sep.join(items)``: every item, and the separator between each two."""
    items = _arg(args, kwargs, 0, "iterable")
    count = len(items) if isinstance(items, list | tuple | set | frozenset | str | dict) else 0
    return size(items) + size(owner) * count


def _indented(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``|indent(width)``: every line gets the indent (a number of spaces, or a text)."""
    width = _arg(args, kwargs, 0, "width")
    indent = width if isinstance(width, int) and not isinstance(width, bool) else size(width)
    text = _text(owner)
    return len(text) + (text.count("\n") + 2) * max(indent, 4)


def _translated(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``s.translate(table)``: each character becomes the longest replacement at most."""
    table = _arg(args, kwargs, 0, "table")
    longest = (
        max((size(value) for value in table.values()), default=1) if isinstance(table, dict) else 1
    )
    return size(owner) * max(longest, 1)


def _wrapped(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``|wordwrap``: a break (``wrapstring``) at most after every character."""
    wrap = kwargs.get("wrapstring", args[2] if len(args) > 2 else "\n")
    return size(owner) * (1 + size(wrap))


def _padded(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``center``, ``ljust``, ``zfill`` and the like pad to a width: never multiply."""
    return _inputs(owner, args, kwargs) + sum(abs(n) for n in _ints(args, kwargs))


def _kept(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Searching, splitting, cutting: the numbers are positions or counts, nothing grows."""
    return _inputs(owner, args, kwargs)


def _tabs(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    tab = _arg(args, kwargs, 0, "tabsize")
    return size(owner) * max(tab if isinstance(tab, int) else 8, 1)


def _summed(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``|sum(start=[])`` adds lists one by one: each step copies all so far (n² work)."""
    items = owner if isinstance(owner, list | tuple) else ()
    return size(items) * max(len(items), 1) if items and not _numbers(items) else size(items)


def _numbers(items: Any) -> bool:
    return all(isinstance(item, int | float) for item in items)


def formatted(pattern: str, args: tuple[Any, ...], kwargs: Any) -> int:
    """``pattern.format(...)``: each field the largest value, padded to its widest width."""
    values = (*args, *(kwargs.values() if isinstance(kwargs, dict) else ()))
    largest = max((size(v) for v in values), default=0)
    widest = max(_ints(values, {}), default=0)
    total = len(pattern)
    for _, field, spec, _ in string.Formatter().parse(pattern):
        if field is None:
            continue
        total += largest + sum(int(w) for w in _WIDTH.findall(spec or "")[:2])
        total += widest * (spec or "").count("{")
        if total > MAX_TEXT:
            break
    return total


def printf_formatted(pattern: str, values: Any) -> int:
    """``pattern % values`` (and ``|format``): each placeholder the largest value, at its
    width and precision (``*`` takes the largest number given)."""
    if isinstance(values, dict):
        items: tuple[Any, ...] = tuple(values.values())
    else:
        items = values if isinstance(values, tuple) else (values,)
    largest = max((size(item) for item in items), default=0)
    widest = max(_ints(items, {}), default=0)
    total = len(pattern)
    for spec in _PRINTF.finditer(pattern):
        if spec[3] == "%":
            continue
        for number in (spec[1], spec[2]):
            total += widest if number == "*" else int(number or 0)
        total += largest
        if total > MAX_TEXT:
            break
    return total


def _json(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``|tojson(indent)``: every character escaped (six at most), every item indented."""
    indent = _arg(args, kwargs, 0, "indent")
    width = indent if isinstance(indent, int) and not isinstance(indent, bool) else size(indent)
    lines = size(owner) if isinstance(owner, list | tuple | dict) else 1  # one an item
    return size(owner) * 6 + lines * (width + 1)


def _format_filter(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return printf_formatted(_text(owner), kwargs or args)


def _format_method(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return formatted(_text(owner), args, kwargs)


def _format_map(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return formatted(_text(owner), (), args[0] if args else {})


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str) -> Any:
    return kwargs.get(name, args[index] if len(args) > index else None)


Estimate = Callable[[Any, tuple[Any, ...], dict[str, Any]], int]
_KEPT = (
    "count endswith find index rfind rindex rsplit split splitlines startswith partition "
    "rpartition strip lstrip rstrip removeprefix removesuffix truncate slice batch round "
    "first last random range default d"
)
ESTIMATES: dict[str, Estimate] = {
    **dict.fromkeys(_KEPT.split(), _kept),
    **dict.fromkeys(["center", "ljust", "rjust", "zfill"], _padded),
    "replace": _replaced,
    "join": _joined,
    "indent": _indented,
    "translate": _translated,
    "wordwrap": _wrapped,
    "expandtabs": _tabs,
    "sum": _summed,
    "tojson": _json,
    "format_map": _format_map,
}


def _filter_join(owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``items|join(sep)``: the same as ``sep.join(items)``."""
    return _joined(_arg(args, kwargs, 0, "d"), (owner,), {})


FILTER_ESTIMATES: dict[str, Estimate] = {
    **ESTIMATES,
    "join": _filter_join,
    "format": _format_filter,
}
METHOD_ESTIMATES: dict[str, Estimate] = {**ESTIMATES, "format": _format_method}


def bound(
    name: str, owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], *, is_filter: bool
) -> int:
    """The largest result ``owner.name(*args)`` (or ``owner|name(*args)``) could give."""
    estimates = FILTER_ESTIMATES if is_filter else METHOD_ESTIMATES
    if name.startswith("is "):  # a test says yes or no: only its inputs count
        return _kept(owner, args, kwargs)
    return estimates.get(name, generic_bound)(owner, args, kwargs)


def check_before(
    name: str, owner: Any, args: tuple[Any, ...], kwargs: dict[str, Any], *, is_filter: bool
) -> None:
    """Refuses a call whose result could pass the limit, before it runs."""
    if bound(name, owner, args, kwargs, is_filter=is_filter) > MAX_TEXT:
        raise TooLong(_shown(name, is_filter=is_filter))


def _shown(name: str, *, is_filter: bool) -> str:
    """The operation as the template writes it: |indent, .join(), is divisibleby."""
    if not is_filter:
        return f".{name}()"
    return name if name.startswith("is ") else f"|{name}"


def check_result(name: str, result: Any, *, is_filter: bool) -> Any:
    return check_after(_shown(name, is_filter=is_filter), result)


def check_after(where: str, result: Any) -> Any:
    """The second wall: whatever the estimate missed is refused once built, never kept."""
    if isinstance(result, str | list | tuple | dict | set | frozenset) and size(result) > MAX_TEXT:
        raise TooLong(where)
    return result


def materialized(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Generators (``|map``, ``|select``) become lists, so their size can be seen; one
    longer than any text could be is refused instead of run to the end."""
    if not any(map(_lazy, values)):
        return values
    return tuple(_listed(value) if _lazy(value) else value for value in values)


def _lazy(value: Any) -> bool:
    return type(value) not in (str, int, list, tuple, dict) and isinstance(value, Iterator)


def _listed(values: Iterator[Any]) -> list[Any]:
    items = []
    for item in values:
        items.append(item)
        if len(items) > MAX_TEXT:
            raise TooLong("a list")
    return items
