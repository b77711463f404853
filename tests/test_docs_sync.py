"""The Korean docs stay in step with the English ones (issue 17).

Every English doc (README.md, docs/*.md) has a Korean translation beside it, `X.ko.md`, and the
pair must not drift: the same headings at the same levels in the same order, the same fenced code
blocks byte for byte in the same order, the same shell commands (read as tests/test_docs_commands.py
reads them), per section the same link targets, inline code spans and table shapes, and a line under
the title that links each file to the other. Only the prose is translated.

Pure: reads the files, needs no lab. When English changes, the failure says what to update where.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from test_docs_commands import bash_blocks, logical_lines, split_commands

REPO = Path(__file__).resolve().parent.parent


def english_docs() -> list[str]:
    """README.md and every lab doc under docs/ (a lab doc added later needs its translation too)."""
    docs = ["README.md", *(p.relative_to(REPO).as_posix() for p in sorted((REPO / "docs").glob("*.md")))]
    return [d for d in docs if not d.endswith(".ko.md")]


def korean_of(doc: str) -> str:
    return doc[: -len(".md")] + ".ko.md"


PAIRS = [(en, korean_of(en)) for en in english_docs()]


# --- reading a doc ----------------------------------------------------------------------------

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
BARE_URL = re.compile(r"(?:(?<=^)|(?<=[\s(*_~]))(https?://[^\s<]+)")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


@dataclass
class Block:
    number: int  # 1-based, in the whole doc
    line: int  # of its opening fence
    section: int  # index into Doc.sections
    text: str  # opening fence, content and closing fence, exactly as written


@dataclass
class Section:
    number: int  # 0: the text before the first heading; then 1, 2, ... in order
    line: int
    level: int
    title: str
    prose: list[tuple[int, str]] = field(default_factory=list)  # (line, text) outside code blocks, heading included

    def text(self, skip: int = 0) -> str:
        return "\n".join(line for number, line in self.prose if number != skip)

    def name(self) -> str:
        if not self.number:
            return "the text before the title"
        return f"section {self.number} ({'#' * self.level} {self.title})"


@dataclass
class Doc:
    path: str
    lines: list[str]
    sections: list[Section]
    blocks: list[Block]

    @property
    def headings(self) -> list[Section]:
        return self.sections[1:]


def read_doc(path: str) -> Doc:
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    sections = [Section(0, 1, 0, "")]
    blocks: list[Block] = []
    fence, opened_at, body = None, 0, []
    for number, line in enumerate(lines, 1):
        if fence is None:
            if match := FENCE.match(line):
                fence, opened_at, body = match.group(1), number, [line]
            elif match := HEADING.match(line):
                sections.append(Section(len(sections), number, len(match.group(1)), (match.group(2) or "").strip(),
                                        [(number, line)]))
            else:
                sections[-1].prose.append((number, line))
        else:
            body.append(line)
            stripped = line.strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                blocks.append(Block(len(blocks) + 1, opened_at, len(sections) - 1, "\n".join(body)))
                fence = None
    assert fence is None, f"{path}:{opened_at}: a code block is never closed"
    return Doc(path, lines, sections, blocks)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def where(doc: Doc, block: Block) -> str:
    in_section = [b for b in doc.blocks if b.section == block.section]
    return (f"block {block.number} ({doc.path}:{block.line}, the {ordinal(in_section.index(block) + 1)} under "
            f"{doc.sections[block.section].name()})")


def first_difference(a: str, b: str) -> str:
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), 1):
        if x != y:
            return f"its line {number}:\n    English: {x!r}\n    Korean:  {y!r}"
    longer, shorter = (a, b) if len(a.splitlines()) > len(b.splitlines()) else (b, a)
    extra = longer.splitlines()[len(shorter.splitlines()):] or [repr(longer[len(shorter):])]
    side = "English" if longer is a else "Korean"
    return f"only the {side} has {extra[0]!r}" if a != b else ""


def top_line(doc: Doc) -> tuple[int, str]:
    """(line number, text) of the first non-blank line after the title."""
    title = doc.headings[0].line if doc.headings else 0
    for number in range(title + 1, len(doc.lines) + 1):
        if doc.lines[number - 1].strip():
            return number, doc.lines[number - 1]
    return 0, ""


def link_targets(doc: Doc, section: Section) -> Counter:
    """Link and image targets and autolinked URLs of a section, outside code spans.

    The language line under the title is not compared (each file names the other). A link to a
    translated doc may point to its translation (README.ko.md may link docs/labs.ko.md): both count
    as the English doc. A #fragment names a heading, which is worded per language: dropped.
    """
    text = CODE_SPAN.sub(" ", section.text(skip=top_line(doc)[0]))
    targets = Counter()
    for match in LINK.finditer(text):
        target = match.group(1).split("#", 1)[0]
        targets[re.sub(r"\.ko\.md$", ".md", target) or "#"] += 1
    for match in BARE_URL.finditer(LINK.sub(" ", text)):
        targets[match.group(1).rstrip(".,:;!?*_~'\")")] += 1
    return targets


def code_spans(section: Section) -> set[str]:
    """Inline code of a section (commands, options, paths, CLI messages), whitespace as rendered."""
    return {" ".join(m.group(2).split()) for m in CODE_SPAN.finditer(section.text())}


def table_shapes(section: Section) -> list[tuple[int, int]]:
    """(rows, columns) of each table of a section."""
    shapes, rows, columns = [], 0, 0
    for line in [*section.text().splitlines(), ""]:
        if line.lstrip().startswith("|"):
            rows += 1
            columns = max(columns, len(re.split(r"(?<!\\)\|", line.strip().strip("|"))))
        elif rows:
            shapes.append((rows, columns))
            rows, columns = 0, 0
    return shapes


def shell_commands(doc: str) -> list[tuple[int, str]]:
    """(line, command) of the doc's shell blocks, split as tests/test_docs_commands.py splits them."""
    return [(number, " ".join(argv)) for start, lines in bash_blocks(doc)
            for number, text in logical_lines(start, lines) for argv in split_commands(text)]


# --- lining the two docs up -------------------------------------------------------------------

def pair_id(pair: tuple[str, str]) -> str:
    return pair[1]


def read_pair(pair: tuple[str, str]) -> tuple[Doc, Doc]:
    english, korean = pair
    if not (REPO / korean).is_file():
        pytest.fail(f"{english} has no Korean translation: write {korean} (translate the prose; copy every code "
                    f"block, command, path and option byte for byte; link the two under the title)", pytrace=False)
    return read_doc(english), read_doc(korean)


def fingerprint(doc: Doc, section: Section):
    """What a section is in any language: its level, inline code and code blocks (prose and titles differ)."""
    blocks = tuple(b.text for b in doc.blocks if b.section == section.number)
    return section.level, frozenset(code_spans(section)), blocks


def align(english: list, korean: list):
    """difflib opcodes of two sequences; a replace of n by n is n pairs that differ, not a gap."""
    return SequenceMatcher(None, english, korean, autojunk=False).get_opcodes()


@dataclass
class Alignment:
    pairs: list[tuple[Section, Section]]  # counterparts, in order
    only_english: list[tuple[Section, Section | None]]  # (missing section, the Korean section it goes before)
    only_korean: list[Section]


def align_sections(en: Doc, ko: Doc) -> Alignment:
    if [s.level for s in en.sections] == [s.level for s in ko.sections]:
        return Alignment(list(zip(en.sections, ko.sections)), [], [])
    result = Alignment([], [], [])
    en_prints = [fingerprint(en, s) for s in en.sections]
    ko_prints = [fingerprint(ko, s) for s in ko.sections]
    for tag, i1, i2, j1, j2 in align(en_prints, ko_prints):
        es, ks = en.sections[i1:i2], ko.sections[j1:j2]
        if tag == "equal" or (tag == "replace" and [s.level for s in es] == [s.level for s in ks]):
            result.pairs += zip(es, ks)
            continue
        following = ko.sections[j2] if j2 < len(ko.sections) else None
        result.only_english += [(s, following) for s in es]
        result.only_korean += ks
    return result


def problems_or_pass(problems: list[str]) -> None:
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def at(doc: Doc, section: Section) -> str:
    return f"{section.name()} at {doc.path}:{section.line}"


# --- the tests --------------------------------------------------------------------------------

def test_english_docs_are_found():
    assert "README.md" in english_docs() and "docs/labs.md" in english_docs()


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_each_links_to_the_other_under_the_title(pair):
    en, ko = read_pair(pair)
    problems = []
    for doc, other, form in ((en, ko, "**English** · [한국어]({})"), (ko, en, "[English]({}) · **한국어**")):
        target = Path(other.path).name
        first = next((n for n, line in enumerate(doc.lines, 1) if line.strip()), 0)
        if not (doc.headings and doc.headings[0].level == 1 and doc.headings[0].line == first):
            problems.append(f"update {doc.path}: it must start with its `# title`")
            continue
        number, line = top_line(doc)
        if not re.search(rf"\]\({re.escape(target)}\)", line):
            problems.append(f"update {doc.path}: the line under its title ({doc.path}:{number}: {line!r}) must link "
                            f"to {target}, for example `{form.format(target)}`")
    problems_or_pass(problems)


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_same_section_structure(pair):
    en, ko = read_pair(pair)
    aligned = align_sections(en, ko)
    problems = []
    for section, before in aligned.only_english:
        place = f"before {at(ko, before)}" if before else "at its end"
        problems.append(f"update {ko.path}: {at(en, section)} has no counterpart: translate it and put it {place}")
    for section in aligned.only_korean:
        problems.append(f"update {ko.path}: {at(ko, section)} has no English counterpart: remove it, or move it "
                        f"where its English section is (was it removed from {en.path}?)")
    if not problems and [s.level for s in en.headings] != [s.level for s in ko.headings]:
        problems.append(f"update {ko.path}: its heading levels are {[s.level for s in ko.headings]}, "
                        f"{en.path}'s {[s.level for s in en.headings]}")
    problems_or_pass(problems)


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_same_code_blocks_in_the_same_order(pair):
    en, ko = read_pair(pair)
    advice = "copy the English block byte for byte (code, comments and output stay English)"
    problems = []
    for tag, i1, i2, j1, j2 in align([b.text for b in en.blocks], [b.text for b in ko.blocks]):
        eb, kb = en.blocks[i1:i2], ko.blocks[j1:j2]
        if tag == "replace" and len(eb) == len(kb):
            problems += [f"update {ko.path}: {where(ko, k)} differs from {where(en, e)}; {advice}. First difference "
                         f"at {first_difference(e.text, k.text)}" for e, k in zip(eb, kb)]
        elif tag != "equal":
            problems += [f"update {ko.path}: {where(en, e)} is missing; {advice} into the matching section"
                         for e in eb]
            problems += [f"update {ko.path}: {where(ko, k)} is not in {en.path}: remove it" for k in kb]
    counterpart = {e.number: k.number for e, k in align_sections(en, ko).pairs}
    if not problems:
        for e, k in zip(en.blocks, ko.blocks):
            if counterpart.get(e.section, k.section) != k.section:
                problems.append(f"update {ko.path}: {where(ko, k)} belongs under the translation of "
                                f"{at(en, en.sections[e.section])}, as {where(en, e)}")
    problems_or_pass(problems)


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_same_commands_in_the_same_order(pair):
    english, korean = pair
    read_pair(pair)
    en, ko = shell_commands(english), shell_commands(korean)
    problems = []
    for tag, i1, i2, j1, j2 in align([c for _, c in en], [c for _, c in ko]):
        if tag == "replace" and i2 - i1 == j2 - j1:
            problems += [f"update {korean}: command {i + 1} differs: {english}:{el} runs `{e}`, {korean}:{kl} runs "
                         f"`{k}`" for i, ((el, e), (kl, k)) in zip(range(i1, i2), zip(en[i1:i2], ko[j1:j2]))]
        elif tag != "equal":
            problems += [f"update {korean}: `{c}` ({english}:{line}) is missing" for line, c in en[i1:i2]]
            problems += [f"update {korean}: `{c}` ({korean}:{line}) is not in {english}" for line, c in ko[j1:j2]]
    problems_or_pass(problems)


def per_section(pair, measure, what: str, advice: str):
    """Each section against its counterpart (sections without one are test_same_section_structure's)."""
    en, ko = read_pair(pair)
    problems = []
    for e, k in align_sections(en, ko).pairs:
        english, korean = measure(en, e), measure(ko, k)
        if english != korean:
            problems.append(f"update {ko.path}: {e.name()} ({en.path}:{e.line}, {ko.path}:{k.line}) has other {what}; "
                            f"{describe(english, korean)}; {advice}")
    problems_or_pass(problems)


def describe(english, korean) -> str:
    if isinstance(english, (set, Counter)):
        only_en = sorted((Counter(english) - Counter(korean)).elements())
        only_ko = sorted((Counter(korean) - Counter(english)).elements())
        return f"only in English: {only_en}, only in Korean: {only_ko}"
    return f"English {english}, Korean {korean}"


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_same_link_targets_per_section(pair):
    per_section(pair, link_targets, "link targets", "links and images point where the English ones do")


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_same_inline_code_per_section(pair):
    per_section(pair, lambda doc, section: code_spans(section), "inline code",
                "commands, options, paths and CLI messages in backticks stay exactly as in English")


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_same_tables_per_section(pair):
    per_section(pair, lambda doc, section: table_shapes(section), "tables (rows, columns)",
                "translate every row and cell, add or drop none")


# --- the checks catch drift --------------------------------------------------------------------

def doc_from(tmp_path: Path, name: str, text: str) -> Doc:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return read_doc(str(tmp_path / name))


def test_reading_keeps_headings_in_code_blocks_out_and_blocks_exact(tmp_path):
    doc = doc_from(tmp_path, "x.md", "# t\n\nintro\n\n## a\n\n```bash\n# not a heading\nmake up\n```\n\n"
                                     "### b\n\n````\n```\ninner\n```\n````\n")
    assert [(s.level, s.title) for s in doc.headings] == [(1, "t"), (2, "a"), (3, "b")]
    assert [b.text for b in doc.blocks] == ["```bash\n# not a heading\nmake up\n```", "````\n```\ninner\n```\n````"]
    assert [b.section for b in doc.blocks] == [2, 3]
    assert where(doc, doc.blocks[1]).startswith(f"block 2 ({tmp_path / 'x.md'}:14, the 1st under section 3 (### b)")


def test_links_code_spans_and_tables_are_read_as_rendered(tmp_path):
    doc = doc_from(tmp_path, "x.md", "# t\n\n**English** · [한국어](x.ko.md)\n\n## a\n\n"
                                     "See [the labs](docs/labs.ko.md#2-x), "
                                     "![pic](a.png), http://localhost:5601 (docker) and `http://not.a/link`;\n"
                                     "run `make\nup` and ``a `b` c``.\n\n| c | d |\n| --- | --- |\n| `a\\|b` | x |\n")
    section = doc.sections[2]
    assert link_targets(doc, doc.sections[1]) == Counter()  # the language line is not compared
    assert link_targets(doc, section) == Counter({"docs/labs.md": 1, "a.png": 1, "http://localhost:5601": 1})
    assert code_spans(section) == {"http://not.a/link", "make up", "a `b` c", "a\\|b"}
    assert table_shapes(section) == [(3, 2)]


def test_first_difference_names_the_line():
    assert "its line 2" in first_difference("```bash\nmake up\n```", "```bash\nmake  up\n```")
    assert "only the English has 'make down'" in first_difference("a\nmake down", "a")


def failure_of(check, tmp_path: Path, english: str, korean: str) -> str:
    (tmp_path / "en.md").write_text(english, encoding="utf-8")
    (tmp_path / "en.ko.md").write_text(korean, encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        check((str(tmp_path / "en.md"), str(tmp_path / "en.ko.md")))
    return str(failed.value)


ENGLISH = ("# T\n**English** · [한국어](en.ko.md)\n\n## Start\n\nRun `make up`.\n\n```bash\nmake up\n```\n\n"
           "## New\n\nThen [more](docs/more.md).\n\n```bash\nmake bundle\n```\n\n## End\n\n`make down`\n")
KOREAN = ("# T\n[English](en.md) · **한국어**\n\n## 시작\n\n`make up` 실행.\n\n```bash\nmake up\n```\n\n"
          "## 끝\n\n`make down`\n")


def test_a_new_english_section_is_named_with_where_it_goes(tmp_path):
    message = failure_of(test_same_section_structure, tmp_path, ENGLISH, KOREAN)
    assert "section 3 (## New) at" in message and "translate it and put it before section 3 (## 끝)" in message
    message = failure_of(test_same_code_blocks_in_the_same_order, tmp_path, ENGLISH, KOREAN)
    assert "block 2 (" in message and "the 1st under section 3 (## New)) is missing" in message
    message = failure_of(test_same_commands_in_the_same_order, tmp_path, ENGLISH, KOREAN)
    assert "`make bundle`" in message and "is missing" in message


def test_a_changed_command_block_or_link_is_named(tmp_path):
    korean = KOREAN.replace("## 끝", "## 새\n\n[더](docs/more.ko.md).\n\n```bash\nmake bundle\n```\n\n## 끝")
    (tmp_path / "en.md").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "en.ko.md").write_text(korean, encoding="utf-8")
    pair = (str(tmp_path / "en.md"), str(tmp_path / "en.ko.md"))
    for check in (test_each_links_to_the_other_under_the_title, test_same_section_structure,
                  test_same_code_blocks_in_the_same_order, test_same_commands_in_the_same_order,
                  test_same_link_targets_per_section, test_same_inline_code_per_section, test_same_tables_per_section):
        check(pair)  # in step: a link to the translation counts as the English doc
    message = failure_of(test_same_code_blocks_in_the_same_order, tmp_path,
                         ENGLISH.replace("make bundle", "make bundle OFFLINE=1"), korean)
    assert "block 2 (" in message and "differs from block 2" in message and "its line 2" in message
    message = failure_of(test_same_link_targets_per_section, tmp_path,
                         ENGLISH.replace("docs/more.md", "docs/most.md"), korean)
    assert "section 3 (## New)" in message and "only in English: ['docs/most.md']" in message
    message = failure_of(test_each_links_to_the_other_under_the_title, tmp_path, ENGLISH,
                         korean.replace("(en.md)", "(x.md)"))
    assert "must link to en.md" in message
