"""Key templates: literal text with `{name}` placeholders, as entities and access patterns write keys.

`CUSTOMER#{customer_id}` builds a key from an item's `customer_id`; `{{` and `}}`
are literal braces; `{order_no:08}` writes a whole number zero-padded to 8
digits, so that numbers sort correctly as text. The literal parts also tell
which template a stored key was built from (`matches`), and whether two
templates could build the same key (`overlap`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ddbtool.values import number_text

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WIDTH = re.compile(r"0[1-9][0-9]?")


class TemplateError(ValueError):
    """A template that is not well formed, or values that cannot fill it; the message says which."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    width: int | None = None  # zero-pad a whole number to this many digits

    def __str__(self) -> str:
        return f"{{{self.name}:0{self.width}}}" if self.width else f"{{{self.name}}}"


Part = str | Placeholder


@dataclass(frozen=True)
class Template:
    """A parsed template: literal text and placeholders, in order."""

    text: str
    parts: tuple[Part, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The placeholders' names, each once, in order of appearance."""
        return tuple(dict.fromkeys(p.name for p in self.parts if isinstance(p, Placeholder)))

    @property
    def is_literal(self) -> bool:
        return not any(isinstance(p, Placeholder) for p in self.parts)

    @property
    def whole(self) -> Placeholder | None:
        """The placeholder when it is the whole template (`{order_no}`): its value is the key as typed."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Placeholder):
            return self.parts[0]
        return None

    def format(self, values: Mapping[str, Any]) -> str:
        """The text with every placeholder filled; TemplateError for a missing or unusable value."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if part.name not in values or values[part.name] is None:
                raise TemplateError(f"needs {part.name} for {self.text}")
            out.append(fill(part, values[part.name]))
        return "".join(out)

    def matches(self, text: str) -> bool:
        """Whether `text` could have been built by this template (its literal parts in place)."""
        return self._regex().fullmatch(text) is not None

    def _regex(self) -> re.Pattern[str]:
        pattern = "".join(
            re.escape(p) if isinstance(p, str) else (r"\d+" if p.width else ".+") for p in self.parts
        )
        return re.compile(pattern, re.DOTALL)

    def __str__(self) -> str:
        return self.text


def fill(placeholder: Placeholder, value: Any) -> str:
    """One value as the text of a placeholder: text as is, numbers with every digit, padded if asked."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise TemplateError(f"{placeholder.name} must be text or a number to go into a key")
    if placeholder.width is None:
        return value if isinstance(value, str) else number_text(value)
    try:
        number = Decimal(value)
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise TemplateError(
            f"{placeholder.name} must be a whole number, 0 or more, to be zero-padded ({placeholder}); "
            f"got {value!r}"
        )
    digits = str(int(number))
    if len(digits) > placeholder.width:
        raise TemplateError(f"{placeholder.name} {digits} has more than {placeholder.width} digits")
    return digits.zfill(placeholder.width)


def parse(text: str) -> Template:
    """Parse a template; TemplateError saying what is wrong and where."""
    parts: list[Part] = []
    literal: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if text.startswith(("{{", "}}"), position):
            literal.append(char)
            position += 2
        elif char == "}":
            raise TemplateError(f"a lone '}}' at character {position + 1}; write '}}}}' for a literal brace")
        elif char == "{":
            end = text.find("}", position)
            if end < 0:
                raise TemplateError(
                    f"'{{' at character {position + 1} is not closed; write '{{{{' for a literal brace"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(text[position + 1 : end]))
            position = end + 1
        else:
            literal.append(char)
            position += 1
    if literal:
        parts.append("".join(literal))
    return Template(text, tuple(parts))


def _placeholder(inner: str) -> Placeholder:
    name, colon, spec = inner.partition(":")
    if not _NAME.fullmatch(name):
        raise TemplateError(
            f"{{{inner}}} is not a placeholder: name one with letters, digits and '_' such as {{customer_id}}"
        )
    if not colon:
        return Placeholder(name)
    if not _WIDTH.fullmatch(spec):
        raise TemplateError(f"{{{inner}}}: the only format is zero-padding, such as {{{name}:08}}")
    return Placeholder(name, int(spec))


# --- could two templates build the same text? --------------------------------------------

_ANY = object()  # one character, whatever it is
_MORE = object()  # any number of characters, none included
_Token = Any


def _tokens(template: Template) -> list[_Token]:
    """The template as characters, with `.+` written as one ANY and then MORE (digits count as any)."""
    tokens: list[_Token] = []
    for part in template.parts:
        if isinstance(part, str):
            tokens.extend(part)
        else:
            tokens += [_ANY, _MORE]
    return tokens


def overlap(first: Template, second: Template) -> bool:
    """Whether some text matches both templates: a walk over pairs of positions, as two automata
    run side by side (each MORE may stay put or move on)."""
    a, b = _tokens(first), _tokens(second)
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] is _MORE:
            todo.append((i + 1, j))
        if j < len(b) and b[j] is _MORE:
            todo.append((i, j + 1))
        if i < len(a) and j < len(b) and _same_character(a[i], b[j]):
            todo.append((i if a[i] is _MORE else i + 1, j if b[j] is _MORE else j + 1))
    return False


def _same_character(x: _Token, y: _Token) -> bool:
    if isinstance(x, str) and isinstance(y, str):
        return x == y
    return True


def overlap_all(first: Sequence[Template], second: Sequence[Template]) -> bool:
    """Whether keys built by two lists of templates (one per key attribute) can be the same key."""
    return all(overlap(x, y) for x, y in zip(first, second, strict=True))
