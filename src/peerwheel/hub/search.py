"""Full-text search over title, prompt text and body: PostgreSQL or SQLite FTS5, same behaviour.

Query language (web-search style, on both databases): every word must appear (English stemming:
"summarising" finds "summarise"), "quoted words" must appear as a phrase, `or` between words
accepts either, and a leading `-` excludes a word. Common English words (the, to, how...) are
ignored, as PostgreSQL's English configuration does. A query with nothing left to look for finds
nothing. Ranking: matches in the title count most, then the prompt text, then the body; ties go
to the newer post. When more than RANKED_MATCHES (1,000) posts match, the newest 1,000 are
ranked (the count still says how many matched).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import strip_tags

from peerwheel.hub.models import Post

# PostgreSQL's English stop words (snowball's english.stop), so both databases ignore the same.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()  # noqa: SIM905 - a word list reads best as text
)
EXCERPT_CHARS = 220
_SPACES = re.compile(r"\s+")


def excerpt(body_html: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a post as a reader sees it: the rendered (sanitised) body's text, without
    Markdown's marks or tags, cut at a word within `limit` characters, with … when cut. Every
    card (feed, library, questions, search results) shows this."""
    text = _SPACES.sub(" ", html.unescape(strip_tags(body_html))).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–") + "…"


_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+", re.UNICODE)
# Column weights: title, prompt text, body (bm25 on SQLite; D, C, B, A weights on PostgreSQL).
SQLITE_BM25 = "bm25(hub_post_fts, 10.0, 4.0, 1.0)"
POSTGRES_WEIGHTS = [0.1, 0.1, 0.4, 1.0]
RANKED_MATCHES = 1_000


@dataclass(frozen=True)
class ParsedQuery:
    """`groups` are alternatives (or); each is phrases that must all appear; `excluded` never."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.groups


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS)


def parse_query(q: str) -> ParsedQuery:
    groups: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    for match in _TERM.finditer(q):
        negated = bool(match.group(1) or match.group(3))
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if not negated and raw.lower() == "or" and match.group(2) is None:
            if groups[-1]:
                groups.append([])
            continue
        words = _words(raw)
        if not words:
            continue
        (excluded if negated else groups[-1]).append(words)
    kept = tuple(tuple(group) for group in groups if group)
    return ParsedQuery(groups=kept, excluded=tuple(excluded))


def _fts5_phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'


def fts5_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression for a parsed query (every word quoted: no syntax leaks)."""
    alternatives = [" AND ".join(_fts5_phrase(p) for p in group) for group in parsed.groups]
    expression = " OR ".join(f"({a})" for a in alternatives)
    if parsed.excluded:
        expression = f"({expression})" + "".join(f" NOT {_fts5_phrase(p)}" for p in parsed.excluded)
    return expression


@dataclass(frozen=True)
class SearchResults:
    """`matches`: every post that matches (to count); `ranked`: the newest RANKED_MATCHES of
    them, best first (to show)."""

    matches: QuerySet[Post]
    ranked: QuerySet[Post]


def search_queryset(base: QuerySet[Post], q: str) -> SearchResults:
    """The posts of `base` that match `q`; empty querysets when nothing can match.

    Ranking costs far more than matching (PostgreSQL's ts_rank reads every matched vector), so
    only the newest RANKED_MATCHES matches are ranked: a query matching more than that shows
    the best of the newest ones, on both databases alike.
    """
    parsed = parse_query(q)
    if parsed.empty:
        return SearchResults(base.none(), base.none())
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config="english", search_type="websearch")
        matches = base.filter(search_vector=query)
        newest = matches.order_by("-created", "-id").values("id")[:RANKED_MATCHES]
        ranked = (
            Post.objects.filter(id__in=newest)
            .annotate(rank=SearchRank(F("search_vector"), query, weights=POSTGRES_WEIGHTS))
            .order_by("-rank", "-created", "-id")
        )
        return SearchResults(matches, ranked)
    if connection.vendor == "sqlite":
        expression = fts5_expression(parsed)
        matches = base.filter(
            id__in=RawSQL(
                "SELECT rowid FROM hub_post_fts WHERE hub_post_fts MATCH %s", [expression]
            )
        )
        newest = matches.order_by("-created", "-id").values("id")[:RANKED_MATCHES]
        ranked = Post.objects.filter(id__in=newest).extra(  # noqa: S610 - constant SQL; the query is a bound parameter
            tables=["hub_post_fts"],
            where=["hub_post_fts.rowid = hub_post.id", "hub_post_fts MATCH %s"],
            params=[expression],
            select={"rank": SQLITE_BM25},
            order_by=["rank", "-created", "-id"],
        )
        return SearchResults(matches, ranked)
    raise NotImplementedError(f"search is not available on {connection.vendor}")
