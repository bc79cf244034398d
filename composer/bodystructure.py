"""A FETCH answer's BODYSTRUCTURE read as nested lists, and the text part found in it:
what a mailbox visit reads of a reply (composer/imap.py), as untrusted as any server text."""

from __future__ import annotations

import itertools
import re

Sexp = list["Sexp"] | str | None
MAX_PART_NESTING = 64  # levels of parentheses in a FETCH answer; real mail nests a few
_TOKEN = re.compile(rb'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|(NIL)\b|([^\s()"]+))')


def parse_sexp(line: bytes) -> list[Sexp]:
    """An IMAP response as nested lists of strings (NIL is None): enough for BODYSTRUCTURE."""
    stack: list[list[Sexp]] = [[]]
    for opened, closed, quoted, nil, atom in _TOKEN.findall(line):
        if opened:
            stack.append([])
        elif closed and len(stack) > 1:
            done = stack.pop()
            # a part nested deeper than any real mail stands for nothing (no text found
            # there), so reading it never recurses past MAX_PART_NESTING levels
            stack[-1].append(done if len(stack) < MAX_PART_NESTING else None)
        elif nil:
            stack[-1].append(None)
        else:
            raw = quoted if quoted or not atom else atom
            stack[-1].append(re.sub(rb"\\(.)", rb"\1", raw).decode("utf-8", "replace"))
    return stack[0]


def find_bodystructure(tree: list[Sexp]) -> Sexp:
    for node in tree:
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str) and item.upper() == "BODYSTRUCTURE":
                    return node[index + 1] if index + 1 < len(node) else None
            found = find_bodystructure(node)
            if found is not None:
                return found
    return None


def text_part(body: Sexp, number: str = "") -> tuple[str, str, str, str] | None:
    """The first text/plain part (else text/html): its number, subtype, charset, encoding."""
    if not isinstance(body, list) or not body:
        return None
    if isinstance(body[0], list):  # multipart: its parts, then its subtype
        parts = list(itertools.takewhile(lambda item: isinstance(item, list), body))
        candidates = [
            found
            for index, child in enumerate(parts, start=1)
            if (found := text_part(child, f"{number}.{index}" if number else str(index)))
        ]
        plain = [c for c in candidates if c[1] == "plain"]
        return (plain or candidates)[0] if candidates else None
    kind, subtype = (str(body[0]).lower(), str(body[1]).lower()) if len(body) > 6 else ("", "")
    if kind != "text" or subtype not in ("plain", "html"):
        return None
    params = body[2] if isinstance(body[2], list) else []
    names = [str(p).lower() for p in params[0::2]]
    charset = str(params[1::2][names.index("charset")]) if "charset" in names else "us-ascii"
    return number or "1", subtype, charset, str(body[5] or "7bit").lower()
