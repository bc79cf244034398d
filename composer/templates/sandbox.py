"""The Jinja sandbox for templates a user can edit or import, with limits on resources.

Jinja's ``ImmutableSandboxedEnvironment`` stops escapes (private attributes, mutating
methods) but not a template that builds a huge string or number, or loops for ever. Here
every call, filter and operator is bounded by what it could build *before* it runs
(sandbox_limits.py), and a render has a time limit.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from composer.templates.sandbox_limits import (
    MAX_TEXT,
    TooLong,
    check_after,
    check_before,
    check_result,
    materialized,
    printf_formatted,
    size,
)
from composer.templates.sandbox_nesting import TooDeep, check_nesting

MAX_INT_BITS = 4_096  # about 1,200 digits
TIME_LIMIT = 2.0  # seconds of template code per render


class CappedNamespace(Namespace):
    """``namespace()`` whose attributes can't grow without bound across loop turns."""

    def __setitem__(self, name: str, value: Any) -> None:
        if isinstance(value, int) and _too_big(value):
            raise SecurityError("that number would be too large")
        super().__setitem__(name, check_after(f"namespace.{name}", value))


def _too_big(number: int) -> bool:
    return number.bit_length() > MAX_INT_BITS


def _capped(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter or test whose result is predicted before it runs and measured after."""
    passed = getattr(original, "jinja_pass_arg", None) is not None  # context comes first

    def capped(*args: Any, **kwargs: Any) -> Any:
        given, (value, *rest) = args[:passed], materialized(args[passed:])
        check_before(name, value, tuple(rest), kwargs, is_filter=True)
        return check_result(name, original(*given, value, *rest, **kwargs), is_filter=True)

    capped.__dict__.update(getattr(original, "__dict__", {}))  # keeps Jinja's pass_context
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
    """Every call, filter and test is bounded by what it could build (see sandbox_limits),
    and so is every way Jinja joins texts itself: ``~``, ``{{ }}`` and macro bodies."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _Generator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options, finalize=_printable)
        self.globals.pop("lipsum", None)
        self.globals["namespace"] = CappedNamespace
        self.filters = _CappedDict(self.filters)
        self.tests = _CappedDict(self.tests, prefix="is ")

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        check_nesting(source)
        return super()._parse(source, name, filename)

    def _compile(self, source: str, filename: str) -> CodeType:
        """Python's compiler has limits of its own (20 loops inside each other, 100
        indents): past them the template nests too deeply, as the pre-scan says."""
        try:
            return super()._compile(source, filename)
        except (SyntaxError, RecursionError, MemoryError):
            raise TooDeep(1, "more than Python can compile") from None

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op in ("**", "*") and _both_numbers(left, right):
            _check_number(op, left, right)
        elif op == "*" and _repeated_size(left, right) > MAX_TEXT:
            raise TooLong("*")
        elif op == "%" and isinstance(left, str) and printf_formatted(left, right) > MAX_TEXT:
            raise TooLong("%")
        elif op == "+" and size(left) + size(right) > MAX_TEXT:
            raise TooLong("+")
        return super().call_binop(context, op, left, right)

    def joined(self, parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``: measured before any part is turned into text."""
        if size(parts) > MAX_TEXT:
            raise TooLong("~")
        return "".join(str(part) for part in parts)

    def concat(self, parts: Iterable[str]) -> str:
        """What a macro, ``{% set %}…{% endset %}`` or ``{% filter %}`` block prints,
        joined by Jinja's generated code: measured as it comes."""
        return "".join(_within_limit(parts))

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        args = materialized(args)
        target = getattr(__obj, "__wrapped__", __obj)  # str.format, wrapped by Jinja
        name = getattr(target, "__name__", "a call").replace("safe_range", "range")
        if not isinstance(__obj, Macro):  # a macro's output is measured as it prints
            check_before(name, getattr(target, "__self__", None), args, kwargs, is_filter=False)
        result = super().call(__context, __obj, *args, **kwargs)
        return check_result(name, result, is_filter=False)


class _CappedDict(dict[str, Any]):
    """The filters (or tests) with each one capped, those added later too."""

    def __init__(self, originals: Mapping[str, Any], prefix: str = "") -> None:
        self.prefix = prefix  # "is " for tests, as the template writes them
        super().__init__({name: _capped(prefix + name, f) for name, f in originals.items()})

    def __setitem__(self, name: str, original: Callable[..., Any]) -> None:
        super().__setitem__(name, _capped(self.prefix + name, original))


def _printable(value: Any) -> Any:
    """Each ``{{ }}``: a list holding a long text ten times is not turned into text."""
    if size(value) > MAX_TEXT:
        raise TooLong("{{ }}")
    return value


def _within_limit(parts: Iterable[str]) -> Iterator[str]:
    total = 0
    for part in parts:
        total += len(part)
        if total > MAX_TEXT:
            raise TooLong("a macro or block")
        yield part


def _both_numbers(left: Any, right: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))


def _check_number(op: str, left: int, right: int) -> None:
    if op == "**":
        too_big = abs(left) > 1 and left.bit_length() * abs(right) > MAX_INT_BITS
    else:
        too_big = left.bit_length() + right.bit_length() > MAX_INT_BITS
    if too_big:
        raise SecurityError("that number would be too large")


def _repeated_size(left: Any, right: Any) -> int:
    """``text * n`` (or ``list * n``) as its size would be, without building it."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return size(seq) * times
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
