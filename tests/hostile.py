"""Strings an adversary (or a careless paste) puts into a name, a note or a reason, and how to read an output
back as a user sees it. Every writer is run over these in test_hostile_strings.py."""

from __future__ import annotations

HOSTILE = [
    "Acme\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:INJECTED wire money\r\nEND:VEVENT",
    "Acme\rX-INJECTED:1",
    "line one\n## 99. Waiver of Claims",
    "\n# Forged title\n\n---",
    "<img src=x onerror=alert(1)>",
    "[click here](javascript:alert(1)) ![pixel](http://tracker.example/p.png)",
    "<script>alert(1)</script></p>",
    "form\x0cfeed, \x01 start of heading, \x00 nul, \x1b[31m escape, \x7f delete, \x85 next line",
    '=HYPERLINK("http://x")',
    "{{ 7*7 }} {% raw %}",
    ":x: [bold red]rich markup[/]",
    "tab\tline separator\u2028paragraph separator\u2029end",
    "back\\slash `code` *em* _under_ | pipe ~strike~ &amp; &",
    "1. numbered",
    "- bullet",
    "> quote",
    "    four spaces of indent",
    "semi;colon, comma\\ backslash",
]
MARKER = "Q7Z"  # printable text that must come through every writer


def visible(text: str) -> str:
    """What a reader sees of a hostile string once control characters and line breaks are spaces."""
    import re

    return re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text)


def markdown_view(markdown: str) -> tuple[list[str], list[str], str]:
    """A Markdown file as rendered: (heading texts, token types that are not plain text, all text)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    headings, kinds, texts = [], set(), []
    for i, token in enumerate(tokens):
        kinds.add(token.type)
        if token.type == "inline":
            text = "".join(c.content if c.type in ("text", "code_inline") else " " for c in token.children or [])
            kinds.update(c.type for c in token.children or [])
            texts.append(text)
            if tokens[i - 1].type == "heading_open":
                headings.append(text)
    return headings, sorted(kinds), "\n".join(texts)
