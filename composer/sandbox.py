"""The Jinja sandbox for templates a user can edit or import, with limits on resources.

Jinja's ``ImmutableSandboxedEnvironment`` stops escapes (private attributes, mutating
methods) but not a template that builds a huge string or number, or loops for ever. Here
every way we know to build something big in one step is checked *before* it is built,
and a render has a time limit.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

MAX_TEXT = 200_000  # characters in any one string; a follow-up is a few hundred
MAX_INT_BITS = 4_096  # about 1,200 digits
TIME_LIMIT = 2.0  # seconds of template code per render
_BIG_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more
_TOO_LONG = "the text would be too long"


def _text_size(value: Any) -> int:
    """Characters in a string; for a list, what joining its items would give."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(max(1, _text_size(item)) for item in value)
    return len(value) if isinstance(value, dict) else 0


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """No huge width, count or string goes into a call."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_TEXT:
            raise SecurityError("a number that large is not allowed here")
        if _text_size(value) > MAX_TEXT:
            raise SecurityError(_TOO_LONG)


def _check_format(pattern: Any) -> None:
    if isinstance(pattern, str) and _BIG_WIDTH.search(pattern):
        raise SecurityError(_TOO_LONG)


def _formatted_size(pattern: str, values: Any) -> int:
    """The most ``pattern % values`` could give: each placeholder the largest value."""
    if isinstance(values, dict):
        values = tuple(values.values())
    items = values if isinstance(values, tuple) else (values,)
    largest = max((_text_size(item) for item in items), default=0)
    return len(pattern) + pattern.count("%") * largest


def _estimate(method: str, text: str, args: tuple[Any, ...]) -> int:
    """The size of ``text.method(*args)`` worst case, before computing it."""
    if method == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        return len(text) + (len(text) + 1) * len(new) // max(len(old), 1)
    if method == "join" and args and isinstance(args[0], list | tuple):
        return sum(len(str(item)) for item in args[0]) + len(text) * len(args[0])
    if method == "expandtabs":
        return len(text) * (int(args[0]) if args and isinstance(args[0], int) else 8)
    return 0


class CappedNamespace(Namespace):
    """``namespace()`` whose attributes can't grow without bound across loop turns."""

    def __setitem__(self, name: str, value: Any) -> None:
        if _text_size(value) > MAX_TEXT or (isinstance(value, int) and _too_big(value)):
            raise SecurityError(_TOO_LONG)
        super().__setitem__(name, value)


def _too_big(number: int) -> bool:
    return number.bit_length() > MAX_INT_BITS


def _capped_filter(original: Callable[..., Any]) -> Callable[..., Any]:
    def capped(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[1:] if args and not isinstance(args[0], str) else args, kwargs)
        if args and isinstance(args[0], str):
            _check_format(args[0])
        return original(*args, **kwargs)

    capped.__dict__.update(original.__dict__)  # keeps Jinja's pass_context and friends
    return capped


class _Generator(CodeGenerator):
    """``a ~ b`` is joined by Jinja's own generated code, which never asks the environment
    (as ``+`` does): here it asks ``Sandbox.joined``, which checks the size first. These
    templates are plain text, never autoescaped, so there is no markup to keep."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")


class Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _Generator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)
        self.globals["namespace"] = CappedNamespace
        for name in ("center", "indent", "wordwrap", "truncate", "format", "join", "replace"):
            self.filters[name] = _capped_filter(self.filters[name])

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and left.bit_length() * abs(right) > MAX_INT_BITS:
                raise SecurityError("that number would be too large")
        elif op == "*":
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise SecurityError("that number would be too large")
            elif _repeat_size(left, right) > MAX_TEXT:
                raise SecurityError(_TOO_LONG)
        elif op == "%":
            _check_format(left)
            if isinstance(left, str) and _formatted_size(left, right) > MAX_TEXT:
                raise SecurityError(_TOO_LONG)
            if isinstance(left, str) and "*" in left:  # "%*s": a width given as a value
                _check_args(right if isinstance(right, tuple) else (right,), {})
        elif op == "+" and _text_size(left) + _text_size(right) > MAX_TEXT:
            raise SecurityError(_TOO_LONG)
        return super().call_binop(context, op, left, right)

    def joined(self, parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``: each part is within the limits already, so their texts are."""
        texts = [str(part) for part in parts]
        if sum(map(len, texts)) > MAX_TEXT:
            raise SecurityError(_TOO_LONG)
        return "".join(texts)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_args(args, kwargs)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            method = getattr(__obj, "__name__", "")
            if _estimate(method, owner, args) > MAX_TEXT:
                raise SecurityError(_TOO_LONG)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"{:>9999999}".format(x)``: the pattern is checked when the method is looked up."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(getattr(value, "__self__", None))
        return wrapped


def _repeat_size(left: Any, right: Any) -> int:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return _text_size(seq) * times
    return 0


class TooSlow(SecurityError):
    pass


@contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Stops template code (and only template code) that runs past the deadline.

    A tracer on this thread checks the clock on each line of the compiled template, so a
    loop that prints nothing still ends; the previous tracer (a debugger, coverage) is
    put back afterwards.
    """
    deadline = time.monotonic() + seconds

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TooSlow(f"it ran for more than {seconds:g} seconds")
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        return on_line if frame.f_code.co_filename == "<template>" else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
