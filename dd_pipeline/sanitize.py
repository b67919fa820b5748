"""Text from the inputs on its way into an output file: it stays text, whatever characters it holds.

Validation already refuses control characters in the inputs; these functions are the writers' own guard, so
that no value can end a line, open a heading, a link or an HTML tag, or break a file format.

- ``xml_text``: without the characters XML 1.0 cannot hold (Word documents, workbooks).
- ``one_line``: line breaks and other control characters as spaces (calendar properties, titles).
- ``markdown_text``: a line of Markdown that renders as the literal text: no heading, list, quote, link,
  image, emphasis, code or HTML can start inside it.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Emphasis, code, links and images, tables, strike-through; '_' only where it can open or close emphasis
# (not inside a word such as relationship_health_survey).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]|~])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLOCK_START = re.compile(r"^(\d+)([.)])")  # "1. " would start a numbered list
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # "&lt;" would show as "<"; a lone "&" is text


def xml_text(value: object) -> str:
    """``value`` as text without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", str(value))


def one_line(value: object) -> str:
    """``value`` on one line: every line break or control character becomes a space."""
    return _CONTROL.sub(" ", str(value))


def markdown_text(value: object) -> str:
    """``value`` as one line of Markdown showing exactly its characters."""
    text = one_line(value).lstrip()  # four leading spaces would make a code block
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")  # no HTML tag, autolink or entity can start
    text = _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    text = _BLOCK_START.sub(r"\1\\\2", text)
    if text[:1] in ("-", "=", "+", "#", ">"):  # a list item, a heading, a quote, or a line making one a heading
        text = "\\" + text
    return text
