"""Records of a large XML file, one element at a time, read safely.

Lists come from outside, so every XML file is parsed by defusedxml (no DTD entities, no external
references: the "billion laughs" and XXE attacks) and incrementally (`iterparse`): each record
element is handed over once it ends, then removed from the tree, so memory stays flat whatever
the file's size. Namespaces are dropped from tags: OFAC has changed its namespace before.

Each record carries the line it starts on (read from expat as the element opens) and its path,
`CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL[12]`, for error messages.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Final, NamedTuple
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from domain.screening.sources.errors import MalformedSource, SourceError, WrongFormat
from domain.screening.sources.files import Files

LINE: Final = "{urn:openbmis}line"  # where a record's start line is kept, in its attributes


class Record(NamedTuple):
    """One record element, with where it lies in its file."""

    element: Element
    line: int
    path: str


class _Builder(TreeBuilder):
    """A tree builder that notes the line each element at `depth` starts on."""

    def __init__(self, depth: int) -> None:
        super().__init__()
        self.depth = depth
        self.level = 0
        self.expat = None

    def start(self, tag, attrs):  # type: ignore[override]
        self.level += 1
        if self.level == self.depth and self.expat is not None:
            attrs = {**attrs, LINE: str(self.expat.CurrentLineNumber)}
        return super().start(tag, attrs)

    def end(self, tag):  # type: ignore[override]
        self.level -= 1
        return super().end(tag)


def local(tag: str) -> str:
    """Return a tag without its namespace."""
    return tag.rpartition("}")[2]


def records(files: Files, path: Path, root: str, depth: int, what: str) -> Iterator[Record]:
    """Yield each element `depth` levels deep (the root is level 1) of the file at `path`.

    The root element must be named `root`, else the file is not `what`.
    """
    with files.open(path) as stream:
        builder = _Builder(depth)
        parser = DefusedXMLParser(target=builder)
        builder.expat = parser.parser
        stack: list[tuple[Element, str]] = []
        seen: list[dict[str, int]] = [{}]  # per open element: its children's tags so far
        started = False
        try:
            for event, element in iterparse(stream, ("start", "end"), parser=parser):
                tag = local(element.tag)
                if event == "start":
                    if not started and tag != root:
                        raise WrongFormat(
                            "wrong_format",
                            f"the root element is {tag}, not {root}: not {what}",
                            file=str(path),
                            line=1,
                        )
                    started = True
                    count = seen[-1][tag] = seen[-1].get(tag, 0) + 1
                    stack.append((element, f"{tag}[{count}]" if len(stack) >= 1 else tag))
                    seen.append({})
                    continue
                stack.pop()
                seen.pop()
                if len(stack) == depth - 1:
                    for child in element.iter():
                        child.tag = local(child.tag)
                    where = "/".join(step for _, step in stack) + "/" + f"{tag}[{seen[-1][tag]}]"
                    yield Record(element, int(element.attrib.get(LINE, 0)) or 0, where)
                    stack[-1][0].remove(element)
        except ParseError as error:
            line = error.position[0]
            if not started:
                raise WrongFormat(
                    "wrong_format",
                    f"not XML, so not {what}: {error.msg}",
                    file=str(path),
                    line=line,
                ) from None
            raise MalformedSource(
                "syntax",
                f"not well-formed XML: {error.msg}",
                file=str(path),
                line=line,
                path="/".join(step for _, step in stack),
            ) from None
        except DefusedXmlException as error:
            raise MalformedSource(
                "unsafe_xml", f"refused: {error}", file=str(path), line=builder_line(builder)
            ) from None
        except SourceError:
            raise
        except ValueError as error:  # expat refuses some declared encodings this way
            raise MalformedSource("syntax", f"unreadable XML: {error}", file=str(path)) from None
        if not started:
            raise WrongFormat("wrong_format", f"an empty file, not {what}", file=str(path))


def builder_line(builder: _Builder) -> int | None:
    return builder.expat.CurrentLineNumber if builder.expat is not None else None


def text(element: Element, tag: str) -> str:
    """Return the text of the first child `tag`, its white space collapsed ("" if none)."""
    return " ".join((element.findtext(tag) or "").split())


def texts(element: Element, path: str) -> list[str]:
    """Return the non-empty texts of the elements at `path`, white space collapsed."""
    found = (" ".join((child.text or "").split()) for child in element.iterfind(path))
    return [value for value in found if value]
