"""Markdown extractor: a CommonMark parser (markdown-it-py, with pipe tables) gives headings, paragraphs, nested
list items and tables; their source text (HTML fragments in cells included) becomes plain text."""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from extractors.fragments import fragment_to_text, starts_bold
from extractors.html import fragment_blocks, has_block_markup
from extractors.lines import read_lines, split_marker
from pipeline.core.enums import BlockKind, Format
from pipeline.core.model import Block, Cell, Document, Loss, Provenance, Row

_REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*\S+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\s*(?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])?")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\s*(?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])")
_SHORTCUT = re.compile(r"(?<![!\]])\[([^\]]+)\](?![(\[:])")
_CODE = re.compile(r"`([^`]+)`")
_LINKED = "\x00"
_AFTER_LINK = re.compile(f"{_LINKED}([ \t]+)\\[([^\\]]+)\\](?![(\\[:])")


# single-mark emphasis, not inside a word (snake_case) nor part of a "**" pair
_EMPHASIS = re.compile(r"(?<![\w*_\\])([*_])(?![\s*_])(.+?)(?<![\s\\*_])\1(?![\w*_])")


# a bullet typed as text, which Markdown leaves in a paragraph ("-- Extend FFV1 parsing", "• Draft the guide")
_TYPED_BULLET = re.compile(r"^\s*(--|—|–|•|●|▪|◦|·)\s+(?=\S)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation: that mark, printed


def inline_text(text: str, references: frozenset[str] = frozenset()) -> str:
    """Markdown inline syntax to its printed text: links and images give their text (an image its alt),
    code spans their code; links standing side by side are separate names.

    ``inline_text("![Team][] [compiler][] [cargo][]")`` -> ``"Team, compiler, cargo"``.
    """
    text = _CODE.sub(lambda m: m.group(1), text)
    text = _EMPHASIS.sub(lambda m: m.group(2), text)  # "_Deployment_", "*draft*": the words, not the marks
    text = _IMAGE.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}", text)
    text = _LINK.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}", text)
    if references:
        text = _SHORTCUT.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}" if m.group(1).lower() in references
                             else m.group(0), text)
    # a bracketed name right after a link or badge is one more of them, defined or not ("![Team][] [compiler]")
    text = _AFTER_LINK.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}{m.group(2)}{_LINKED}", text)
    text = re.sub(f"{_LINKED}[ \t]+{_LINKED}", ", ", text)
    return _ESCAPED.sub(r"\1", text.replace(_LINKED, ""))  # "\(10 weeks\)" prints "(10 weeks)"


class _DepthWatchingBlocks(ParserBlock):
    """markdown-it's block parser, noting where it stops descending: past ``maxNesting`` levels (20: about ten
    nested lists or twenty block quotes) it skips the rest of the enclosing block without a word. The 0-based
    lines where that happened go to ``env["too_deep"]``."""

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        if state.level >= state.md.options.maxNesting:
            line = state.skipEmptyLines(startLine)
            if line < endLine and state.sCount[line] >= state.blkIndent:
                state.env.setdefault("too_deep", []).append(line)
        super().tokenize(state, startLine, endLine)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.block.__class__ = _DepthWatchingBlocks  # same rules and settings; only the depth is watched
    return md


def _too_deep(lines: list[int]) -> tuple[Loss, ...]:
    """A ``lost_content`` note for the first place the parser stopped descending (one for the file, as for HTML)."""
    if not lines:
        return ()
    first = min(lines) + 1
    more = f" (and {len(lines) - 1} more places)" if len(lines) > 1 else ""
    return (Loss(f"the file nests lists or block quotes too deep to read: the text from line {first} below that "
                 f"depth was not read{more}", line=first),)


def _prov(token: Token, offset: int = 0) -> Provenance:
    if not token.map:
        return Provenance()
    return Provenance(line_start=token.map[0] + 1 + offset, line_end=max(token.map[0] + 1, token.map[1]) + offset)


def _text(raw: str, refs: frozenset[str]) -> str:
    return fragment_to_text(inline_text(raw, refs))


class _Walker:
    """Turns the parser's token stream into blocks: list nesting from the list depth, one block per item."""

    def __init__(self, lines: list[str], refs: frozenset[str]) -> None:
        self.lines = lines
        self.refs = refs
        self.blocks: list[Block] = []
        self.lists: list[Token] = []  # open list tokens (bullet_list_open / ordered_list_open)
        self.items: list[dict] = []  # open list items: {"token", "number", "parts", "level"}

    def run(self, tokens: list[Token]) -> list[Block]:
        i = 0
        while i < len(tokens):
            i = self.step(tokens, i)
        return self.blocks

    def step(self, tokens: list[Token], i: int) -> int:
        tok = tokens[i]
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.flush_item()
            self.lists.append(tok)
            tok.meta["count"] = 0
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.flush_item()
            self.lists.pop()
        elif kind == "list_item_open":
            self.flush_item()
            owner = self.lists[-1]
            number = int(tok.info) if tok.info.isdigit() else int(owner.attrGet("start") or 1) + owner.meta["count"]
            owner.meta["count"] += 1
            marker = f"{number}{tok.markup}" if owner.type == "ordered_list_open" else tok.markup
            # "- 1. Text": a bullet whose only content is a numbered list is one item, not two levels
            wrapper = i + 1 < len(tokens) and tokens[i + 1].type in ("bullet_list_open", "ordered_list_open")
            wrappers = sum(1 for it in self.items if it["wrapper"])
            self.items.append({"token": tok, "marker": marker, "parts": [], "wrapper": wrapper,
                               "level": len(self.lists) - 1 - wrappers})
        elif kind == "list_item_close":
            self.flush_item()
            self.items.pop()
        elif kind == "heading_open":
            raw = tokens[i + 1].content
            self.flush_item()
            text = _text(raw, self.refs)
            if text:
                self.blocks.append(Block(BlockKind.HEADING, text, _prov(tok), level=int(tok.tag[1]), bold=True))
            return i + 3
        elif kind == "paragraph_open":
            lines = [ln for ln in tokens[i + 1].content.split("\n") if ln.strip()]
            if len(lines) >= 2 and all(_TYPED_BULLET.match(ln) for ln in lines):
                self.flush_item()
                self.typed_list(lines, tok)
            else:
                self.text_block(" ".join(lines), tok)
            return i + 3
        elif kind == "html_block" and not self.items and has_block_markup(tok.content):
            # a raw HTML table or list in the file (a schedule pasted as <table>): read as HTML, not one line
            first = tok.map[0] + 1 if tok.map else 1
            self.blocks.extend(fragment_blocks(tok.content, first) or [])
        elif kind in ("html_block", "code_block", "fence"):
            self.text_block(tok.content.strip(), tok)
        elif kind == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            self.flush_item()
            self.blocks.append(self.table(tokens[i:end + 1]))
            return end + 1
        return i + 1

    def text_block(self, raw: str, tok: Token) -> None:
        if not raw.strip():
            return
        if self.items and self.items[-1]["token"] is not None:
            self.items[-1]["parts"].append((raw, tok))
            return
        text = _UNCLOSED_EMPHASIS.sub("", _text(raw, self.refs))  # "*** En 2016 ...": a marker never closed
        if text:
            self.blocks.append(Block(BlockKind.PARAGRAPH, text, _prov(tok), bold=starts_bold(raw)))

    def typed_list(self, lines: list[str], tok: Token) -> None:
        """Lines that each open with a bullet Markdown does not know ("-- task", "• task") are a list as the
        writer typed it: one item per line, under the list item just before it if any."""
        before = self.blocks[-1] if self.blocks else None
        level = before.level + 1 if before is not None and before.kind is BlockKind.LIST_ITEM else 0
        first = _prov(tok).line_start
        for k, line in enumerate(lines):
            match = _TYPED_BULLET.match(line)
            assert match is not None
            text = _text(line[match.end():], self.refs)
            line_no = first + k if first is not None else None
            if text:
                self.blocks.append(Block(BlockKind.LIST_ITEM, text, Provenance(line_start=line_no, line_end=line_no),
                                         level=level, marker=match.group(1), bold=starts_bold(line[match.end():])))

    def flush_item(self) -> None:
        """The open item's paragraphs become one list item (later paragraphs on lines of their own)."""
        if not self.items or not self.items[-1]["parts"]:
            return
        item = self.items[-1]
        raws = [raw for raw, _ in item["parts"]]
        marker, level = item["marker"], item["level"]
        inner, rest, _ = split_marker(raws[0])  # "- 1. Title": the typed number is the item's marker
        if inner is not None and marker in ("-", "*", "+") and inner.strip("()")[:1].isalnum():
            marker, raws[0] = inner, rest
        text = "\n".join(t for t in (_text(raw, self.refs) for raw in raws) if t)
        first, last = item["parts"][0][1], item["parts"][-1][1]
        prov = Provenance(line_start=_prov(first).line_start, line_end=_prov(last).line_end)
        if text:
            self.blocks.append(Block(BlockKind.LIST_ITEM, text, prov, level=level, marker=marker,
                                     bold=starts_bold(raws[0])))
        item["parts"] = []

    def table(self, tokens: list[Token]) -> Block:
        rows: list[Row] = []
        cells: list[Cell] = []
        row_tok: Token | None = None
        for tok in tokens:
            if tok.type == "tr_open":
                cells, row_tok = [], tok
            elif tok.type == "inline":
                raw = tok.content
                cells.append(Cell(_text(raw, self.refs), starts_bold(raw)))
            elif tok.type == "tr_close" and row_tok is not None:
                rows.append(Row(tuple(cells), _prov(row_tok)))
        width = max((len(r.cells) for r in rows), default=0)
        rows = [Row(r.cells + (Cell(""),) * (width - len(r.cells)), r.provenance) for r in rows]
        header = 1 if any(t.type == "thead_open" for t in tokens) else 0
        return Block(BlockKind.TABLE, provenance=_prov(tokens[0]), rows=tuple(rows), header_rows=header)


_UNCLOSED_EMPHASIS = re.compile(r"^[*_]+\s+(?=\S)")
_HTML_OPEN = re.compile(r"^ {0,3}<(table|ul|ol|dl)\b", re.I)


def _whole_html_blocks(lines: list[str]) -> list[str]:
    """A raw HTML table or list written with blank lines inside (between the paragraphs of a cell) is one block
    to its closing tag, as Jekyll's kramdown and browsers read it; to CommonMark a blank line ends an HTML block
    and the rest of the table would be text. The blank lines inside become empty comments (line numbers kept)."""
    out = list(lines)
    i = 0
    while i < len(out):
        m = _HTML_OPEN.match(out[i])
        if m is None:
            i += 1
            continue
        tag, depth, j = m.group(1).lower(), 0, i
        while j < len(out):
            depth += len(re.findall(rf"<{tag}\b", out[j], re.I)) - len(re.findall(rf"</{tag}\s*>", out[j], re.I))
            if depth <= 0:
                break
            j += 1
        if depth <= 0:
            for k in range(i, j):
                if not out[k].strip():
                    out[k] = "<!-- -->"
        i = j + 1
    return out


def _without_front_matter(lines: list[str]) -> list[str]:
    """A YAML front matter block (``---`` ... ``---`` on the first lines) is metadata, not text: blanked, so
    line numbers stay those of the file."""
    if not lines or lines[0].strip() != "---":
        return lines
    end = next((i for i in range(1, min(len(lines), 200)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return lines
    return [""] * (end + 1) + lines[end + 1:]


def extract(path: Path) -> Document:
    """Parse a markdown workplan: ``extract(Path("plan.md")).blocks[0].kind`` -> ``BlockKind.HEADING``."""
    lines = _without_front_matter(read_lines(path))
    refs = frozenset(m.group(1).lower() for m in map(_REF_DEF.match, lines) if m)
    lines = ["" if _REF_DEF.match(line) else line for line in lines]  # link reference definitions print nothing
    lines = _whole_html_blocks(lines)
    env: dict = {}
    tokens = _parser().parse("\n".join(lines), env)
    blocks = _Walker(lines, refs).run(tokens)
    title = next((b.text for b in blocks if b.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH)), None)
    return Document(source=path.name, format=Format.MARKDOWN, blocks=tuple(blocks), title=title,
                    lost=_too_deep(env.get("too_deep", [])))
