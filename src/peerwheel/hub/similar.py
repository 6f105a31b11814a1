"""Similar questions, shown while someone types a question on the form (htmx, after a pause).

The words of the draft (its title first, then its body) become one query of alternatives for
the hub's search index (`search.search_queryset`: PostgreSQL tsvector or SQLite FTS5, the same
stemming and stop words), over live questions that are not themselves marked as duplicates (their
original is found instead). The best matches come first: the more of the draft's words a
question has, in its title above its body, the higher. An anonymous question's author is never
shown (`author` is None), as everywhere else on the hub.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from peerwheel.hub.models import Answer, Post, PostKind
from peerwheel.hub.search import STOP_WORDS, search_queryset
from peerwheel.hub.views_data import AuthorView, author_view

SIMILAR_LIMIT = 5
#: the draft's first words that make the query (title words first); more adds noise, not recall
MAX_WORDS = 12
#: of a draft body, only the start is read (the form sends it on every pause in typing)
BODY_CHARS = 2_000
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SimilarQuestion:
    id: int
    title: str
    author: AuthorView | None
    answer_count: int
    has_accepted_answer: bool


def draft_words(title: str, body: str = "", *, limit: int = MAX_WORDS) -> list[str]:
    """The words of a draft worth looking for: no stop words, none shorter than 3 letters
    (a word still being typed), each once, the title's first."""
    words: list[str] = []
    text = f"{(title or '')[:200]} {(body or '')[:BODY_CHARS]}".lower()
    for word in _WORD.findall(text):
        if len(word) < 3 or word in STOP_WORDS or word in words or word == "or":
            continue
        words.append(word)
        if len(words) == limit:
            break
    return words


def similar_questions(
    *, title: str, body: str = "", exclude_id: int | None = None, limit: int = SIMILAR_LIMIT
) -> tuple[SimilarQuestion, ...]:
    """Up to `limit` existing questions most like the draft, best first; () for a draft with
    nothing to look for yet. Two queries (the ranked ids, then the questions)."""
    words = draft_words(title, body)
    if not words:
        return ()
    questions = Post.objects.filter(
        kind=PostKind.QUESTION, deleted__isnull=True, duplicate_of__isnull=True
    )
    if exclude_id is not None:
        questions = questions.exclude(pk=exclude_id)
    results = search_queryset(questions, " or ".join(words))
    ids = [row[0] for row in results.ranked.values_list("id")[:limit]]
    accepted = Answer.objects.filter(post=OuterRef("pk"), accepted=True)
    by_id = (
        Post.objects.select_related("author__team", "author__department")
        .annotate(has_accepted=Exists(accepted))
        .in_bulk(ids)
    )
    return tuple(_similar(by_id[i]) for i in ids if i in by_id)


def _similar(post: Post) -> SimilarQuestion:
    return SimilarQuestion(
        id=post.pk,
        title=post.title,
        author=None if post.anonymous else author_view(post.author),
        answer_count=post.answer_count,
        has_accepted_answer=bool(post.has_accepted),  # type: ignore[attr-defined]
    )
