"""The assistant: retrieve passages, check the evidence, answer with citations or abstain.

Without an LLM the answer is extractive: for «how do I…» questions the steps of the best passage in
order, for factual ones the sentences that hold the fact. With an LLM configured the same passages
ground a generated answer; any failure of the server falls back to the extractive answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select

from azs_assistant import i18n, metrics
from azs_assistant.assistant import answerable, organisations, ranking
from azs_assistant.assistant import entities as typed_entities
from azs_assistant.assistant.evidence import on_topic, support
from azs_assistant.assistant.extract import (
    Extractor,
    ScoredPassage,
    asks_for_steps,
    asks_only_whether,
    is_procedural,
    is_yes_no,
    rule_best,
    rule_units,
    wants_number,
)
from azs_assistant.assistant.figures import Quote, disagreement
from azs_assistant.assistant.markdown import bold, escape, to_plain
from azs_assistant.assistant.model import (
    ABSTAIN_TEXT,
    EMPTY_KB_TEXT,
    Answer,
    Citation,
    Evidence,
    section_without_title,
)
from azs_assistant.assistant.notices import answer_language, localise, transient
from azs_assistant.assistant.parts import asks, own_words, with_subject
from azs_assistant.assistant.ports import Answerer, AnswerLog, ChatAnswers
from azs_assistant.assistant.procedure import (
    Line,
    Procedure,
    has_steps,
    lines_of,
    own_heading,
    procedure_of,
    sections_under,
    step_texts,
    without_number,
)
from azs_assistant.assistant.tables import lookup
from azs_assistant.auth.principal import Principal
from azs_assistant.auth.scope import allowed_stations
from azs_assistant.documents.chunking import split_sentences
from azs_assistant.errors import InvalidInput
from azs_assistant.incidents.history import IncidentHistory, describe, incident_report_text, is_history_question
from azs_assistant.language.analyzer import INTENT_WORDS, Analyzer
from azs_assistant.search.index import SearchIndex, load_chunks, openings
from azs_assistant.search.service import MAX_QUESTION, Queries
from azs_assistant.stations import Stations
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk, Document
from azs_assistant.tickets.facts import station_id, station_in

if TYPE_CHECKING:  # built on first use by the composition root
    from azs_assistant.assistant.cache import AnswerCache
    from azs_assistant.assistant.conversation import Conversations
    from azs_assistant.reports.service import Reports

# A «how to» question answered by a passage without steps: the document's best list of steps is quoted
# instead when its best unit scores at least this share of the passage's.
STEPS_INSTEAD = 0.6
# ... and a passage with steps gives way to another list of the same document that matches clearly
# better (a PDF page whose text runs from one procedure into the next).
OTHER_STEPS = 1.25
# a code a question names, letters and a number: «E-17», «АИ-92», «ОП-5»
_NAMES_CODE = re.compile(r"(?<![а-яёa-zәғқңөұүһі])[а-яёa-z]{1,5}[-‐–]?\d", re.IGNORECASE)
# words that name a procedure, not what it is about («Порядок действий», «Действия при…»)
_PROCEDURE_WORDS = frozenset({"действие", "действовать", "порядок", "инструкция", "процедура", "шаг", "пункт",
                              "правило"})
# A section's subsections quoted together as one checklist fit a Telegram message (4096 characters).
WHOLE_SECTION_BUDGET = 3500
# Passages quoted in one answer, at most, and how far down the retrieved list a passage beside the answering
# one may come from: the fact is often in the next passage of the same section or in a second document.
MAX_QUOTED = 3
NEARBY_RANK = 3
# A passage beside the answering one is quoted by its best sentences, or whole when it is this short (two or
# three sentences): «…два перерыва по 20 минут. Перерывы берут по очереди… Сон на рабочем месте запрещён.»
# lost its last sentence, the one that answered «можно поспать на ночной смене?».
SHORT_PASSAGE = 300
# «Можно ли…?» is answered by a rule: a passage among the first five whose sentence that allows or forbids
# matches the question this much better than the answering passage's best sentence is quoted first instead
# (the rule doubles a sentence's score, so a rule sentence matching 0.8 as well as a lead without one does).
RULE_LEAD = 1.6
# A question that asks two or three things: each ask is searched for on its own (assistant/parts.py), and the
# passage among its first few that the model says holds its answer is quoted too, when not quoted already.
ASK_RANK = 3
TEXTS = "azs_assistant.assistant"  # the assistant's own texts, assistant/i18n


class Opening(NamedTuple):
    """What a document's title and first passages say of it, read once per document version."""

    names: frozenset[str]  # the organisations it names (organisations.named)
    codes: frozenset[str]  # the document numbers and codes it names (entities.codes_named): «АКТ № 0318»
    numbers: frozenset[str] = frozenset()  # the numbers it gives itself (entities.document_numbers): «Инструкция ОТ-11»
    editions: frozenset[str] = frozenset()  # the edition it states («редакция 6»: answerable.current_edition)


# what a cached answer holds: raised when an answer gains a part (2: the documents' disagreement notice), so answers
# cached before are not served without it
ANSWER_FORMAT = 2
OpeningKey = tuple[int, int, str]  # a document's id, version and content hash (an id may be reused)

__all__ = ["ABSTAIN_TEXT", "EMPTY_KB_TEXT", "Answer", "Assistant", "Citation", "Evidence", "section_without_title"]


class Assistant:
    """Answers questions from the knowledge base.

    The collaborators built at startup come as they are; those the composition root builds on first use
    (conversations, the cache, the answer log, summaries, reports, the incident log, the station registry)
    come as zero-argument callables, so an assistant that never meets a report never builds one.
    """

    def __init__(self, *, db: Database, index: SearchIndex, analyzer: Analyzer, queries: Queries,
                 answerer: Answerer | None, model: str, audit: Callable[..., None],
                 conversations: Callable[[], Conversations], cache: Callable[[], AnswerCache | None],
                 answer_log: Callable[[], AnswerLog], summaries: Callable[[], ChatAnswers],
                 reports: Callable[[], Reports], incident_history: Callable[[], IncidentHistory],
                 stations: Callable[[], Stations]) -> None:
        self.db, self.index, self.analyzer, self.queries = db, index, analyzer, queries
        self.answerer, self.model = answerer, model  # answerer None: no LLM configured, extractive answers
        self._audit, self._conversations, self._cache, self._answer_log = audit, conversations, cache, answer_log
        self._summaries, self._reports, self._incident_history, self._stations = (summaries, reports,
                                                                                  incident_history, stations)
        self._openings: dict[OpeningKey, Opening] = {}  # what each document's opening names
        self._known: tuple[int, frozenset[str]] | None = None  # (index generation, every name in the base)

    # -- retrieval ------------------------------------------------------------------------
    def retrieve(self, question: str, k: int = 10, principal: Any = None,
                 generations: tuple[int, int] | None = None, rerank: bool = True) -> tuple[Any, list[Evidence]]:
        """Passages for the question, best first; with ``principal``, only from documents they may read.
        The search's first :data:`ranking.CANDIDATES` are re-ranked by the fitted ranker (``rerank=False``:
        all of them in the search's order, for fitting it)."""
        generations = generations or self.db.generations()  # one freshness query per question
        # the chain the question names is its scope (see _elsewhere), not words to search for; a question
        # too long to analyse is refused as it is
        known = self._known_organisations(generations[0])
        scope = organisations.without(question, known) if len(question) <= MAX_QUESTION else question
        query = self.queries.analyse(scope, generations)  # also brings the index up to date
        wanted = max(k, ranking.CANDIDATES)
        vector = self.index.query_vector(query)
        hits = self.index.search(query, k=wanted if principal is None else wanted * 3, query_vector=vector,
                                 refresh=False)
        rows = load_chunks(self.db, [h.chunk_id for h in hits])
        evidence: list[Evidence] = []
        for hit in hits:
            if hit.chunk_id not in rows:
                continue
            chunk, doc = rows[hit.chunk_id]
            if principal is not None and not principal.may_read(doc.audience):
                continue
            if len(evidence) == wanted:
                break
            lemmas = set(chunk.lemmas.split()) | set(chunk.context_lemmas.split())
            evidence.append(Evidence(hit, chunk, doc, support(query, lemmas, self.index.idf, self.index.knows)))
        read = self._read_openings({_opening_key(e.document): e.document.title for e in evidence})
        elsewhere = self._elsewhere(question, evidence, read, known)
        for e, away in zip(evidence, elsewhere, strict=True):
            e.elsewhere = away  # never quoted as the answer (_passages, _answer_asks)
            opening = read[_opening_key(e.document)]
            e.document_numbers, e.document_editions, e.organisations = opening.numbers, opening.editions, opening.names
        if evidence:  # in the search's order, best first; another chain's passages are no competitors
            rivals = [e for e, away in zip(evidence, elsewhere, strict=True) if not away] or evidence
            # a lone passage of the chain asked is no clear winner: the runner-up is then the next found at all
            # (a second of 0 would read as the widest margin there is)
            runner_up = rivals[1] if len(rivals) > 1 else next((e for e in evidence if e is not rivals[0]), None)
            second = min(runner_up.hit.score, rivals[0].hit.score) if runner_up else 0.0
            query.search_top = (rivals[0].hit.score, second)
        if not rerank:
            return query, evidence
        # a passage of the document the question names by number («по инструкции ПБ-06») holds that name: its
        # document's opening says it, and a step of the instruction need not repeat «инструкция ПБ-06» (the name of
        # its own document only: of «приказ 12-Р и инструкция ПБ-06», a passage of ПБ-06 holds no «приказ 12-Р»)
        names = {key: set(self.analyzer.lemmas(name)) for key, name in typed_entities.document_names(query.text)}
        for e, codes in zip(evidence, self._names_document(query, evidence, read), strict=True):
            if own := set().union(*(names[k] for k in codes if k in names)):
                lemmas = set(e.chunk.lemmas.split()) | set(e.chunk.context_lemmas.split()) | own
                e.support = support(query, lemmas, self.index.idf, self.index.knows)
        if ranking.ranker() is not None:
            values = ranking.features(query, evidence, self.index.idf, self.index.knows, self._lemma_of,
                                      self.index.document_lemmas,
                                      lambda ids: self.index.document_similarity(ids, vector))
            evidence = ranking.rerank(evidence, values)
        evidence = ranking.keyed_rows_first(question, evidence)
        return query, evidence[:k]

    @staticmethod
    def _elsewhere(question: str, evidence: list[Evidence], read: dict[OpeningKey, Opening],
                   known: frozenset[str]) -> list[bool]:
        """For each candidate: is it from a document of another organisation than the one the question names
        (``read``: the candidates' documents' openings; ``known``: every organisation the base names)? The
        organisation asked is looked for among all the base knows, not only among the candidates: «сарыарка,
        при какой очереди открывать вторую кассу» where only Береке's standard says it is answered by nobody."""
        names = {e.document.id: read[_opening_key(e.document)].names for e in evidence}
        of = {d: frozenset(organisations.stem(n) for n in ns) for d, ns in names.items()}
        wanted = organisations.asked(question, known | frozenset().union(*names.values()))
        if not wanted:
            return [False] * len(evidence)
        return [bool(of[e.document.id]) and not of[e.document.id] & wanted for e in evidence]

    def _known_organisations(self, generation: int) -> frozenset[str]:
        """Every organisation the base's documents name (:func:`organisations.named`), read again when the
        index's ``generation`` changes (each document's opening once per version); the openings kept are
        then those of the base's documents only."""
        known = self._known
        if known is not None and known[0] == generation:
            return known[1]
        with self.db.session() as s:
            docs = {(d, version, sha): title for d, version, sha, title in
                    s.execute(select(Document.id, Document.version, Document.sha256, Document.title))}
        read = self._read_openings(docs)
        self._openings = read  # rebound, not cleared: a question being answered keeps what it read
        names = frozenset().union(*(o.names for o in read.values()))
        self._known = (generation, names)
        return names

    def _read_openings(self, docs: dict[OpeningKey, str]) -> dict[OpeningKey, Opening]:
        """The openings of the documents (key: title), read from the database where not read yet."""
        kept = self._openings
        out = {key: kept[key] for key in docs if key in kept}
        unknown = [key for key in docs if key not in out]
        for start in range(0, len(unknown), 500):
            part = unknown[start:start + 500]
            texts = openings(self.db, {key[0]: docs[key] for key in part})
            for key in part:
                text = texts.get(key[0], docs[key])
                out[key] = Opening(organisations.named(text, self._proper), typed_entities.codes_named(text),
                                   typed_entities.document_numbers(text), answerable.current_edition(text))
        if unknown and len(kept) < 100_000:  # bounded: _known_organisations keeps only the base's documents
            kept.update({key: out[key] for key in unknown})
        return out

    @staticmethod
    def _names_document(query: Any, evidence: list[Evidence], read: dict[OpeningKey, Opening]) -> list[set[str]]:
        """Marks the candidates that name a document number the question names («по акту 0318»), in their
        heading, passage or document's opening («АКТ № 0318 приёма…»), read strictly («Выдать 52 литра» is
        no «приказ 52»): with a fitted re-ranker they come first (:func:`ranking.rerank`). The typed-things
        rule cannot say it: a number the base holds anywhere is held for every passage, since a passage of
        ОТ-05 need not repeat «ОТ-05»."""
        asked = {t.key for t in typed_entities.typed(query.text) if t.kind == "document"}
        if not asked:
            return [set() for _ in evidence]
        out = []
        for e in evidence:
            codes = read[_opening_key(e.document)].codes | typed_entities.codes_named(
                f"{e.document.title}\n{e.chunk.section}\n{e.chunk.text}")
            e.names_document = bool(asked & codes)
            out.append(asked & codes)
        return out

    def _proper(self, word: str) -> bool:
        """A name the Russian dictionary does not know («Береке», «Сарыарка»), not a word («Сервис»)."""
        tokens = self.analyzer.tokens(word)
        return bool(tokens) and not tokens[0].known

    def search(self, text: str, k: int = 10, principal: Principal | None = None) -> list[Citation]:
        """The passages for a question, ranked, as citations (``azs search``, ``GET /search``)."""
        _, evidence = self.retrieve(text, k=k, principal=principal)
        return [e.citation() for e in evidence]

    # -- answering ------------------------------------------------------------------------
    def ask(self, question: str, principal: Any = None, conversation: str | None = None,
            remember: bool = False, lang: str | None = None) -> Answer:
        """The answer to a question. With ``conversation`` (or ``remember`` to start one) the
        question is read against the conversation's earlier turns and stored as its next turn. The
        assistant's own texts are in ``lang`` (the interface's language) or else the question's."""
        started, lang = time.perf_counter(), answer_language(lang, question)
        conversation_id, resolved = self._converse(question, principal, conversation, remember)
        answer = self._special_answer(resolved, principal, lang)
        if answer is None:
            generations = self.db.generations()  # read once: the cache key and the index freshness
            key, answer = self._cached(resolved, principal, generations)
            if answer is None:
                answer, evidence = self._extract(resolved, principal, generations)
                if not answer.abstained and self.answerer is not None:
                    answer = self.answerer.generate(resolved, evidence, answer)
                self._keep(key, answer)
        return self._finish_turn(answer, question, resolved, conversation_id, started, lang)

    def answer_for(self, who: Principal, question: str, conversation: str | None = None, ip: str | None = None,
                   channel: str | None = None, lang: str | None = None) -> tuple[Answer, int]:
        """A person's question from a front end: answered in their conversation, logged for feedback
        (the id comes back) and audited as ``ask``."""
        answer = self.ask(question, who, conversation, True, lang)
        answer_id: int = self._answer_log().log_answer(who, answer)
        if answer.conversation_id:
            self._conversations().attach_answer(answer.conversation_id, answer_id)
        details = {"mode": answer.mode, "abstained": answer.abstained, "answer_id": answer_id}
        self._audit(who, "ask", question[:500], {"channel": channel, **details} if channel else details, ip)
        return answer, answer_id

    def stream_for(self, who: Principal, question: str, conversation: str | None = None,
                   ip: str | None = None, regenerate: bool = False,
                   lang: str | None = None) -> Iterator[dict[str, Any]]:
        """``answer_for`` as a stream of events. The question and the conversation are checked (and the
        request audited) now, so errors come before the first event; the ``done`` answer carries its
        ``answer_id``. ``regenerate`` takes the conversation's latest turn back and answers it anew,
        past the cache."""
        self.queries.analyse(question)
        conversations = self._conversations()
        conversation_id = conversations.open(who.name, conversation)
        if regenerate and conversation:
            conversations.drop_last(who.name, conversation_id)
        details = {"stream": True, "regenerate": True} if regenerate else {"stream": True}
        self._audit(who, "ask", question[:500], details, ip)
        return self._logged_stream(who, question, conversation_id, regenerate, lang)

    def _logged_stream(self, who: Principal, question: str, conversation: str | None,
                       fresh: bool = False, lang: str | None = None) -> Iterator[dict[str, Any]]:
        for event in self.ask_stream(question, who, conversation, fresh=fresh, lang=lang):
            if event["type"] == "done":
                data = event["answer"]
                answer_id = self._answer_log().log_answer(who, Answer.from_public(question, data))
                if conversation:
                    self._conversations().attach_answer(conversation, answer_id)
                event["answer"] = {**data, "answer_id": answer_id}
            yield event

    def ask_stream(self, question: str, principal: Any = None, conversation: str | None = None,
                   remember: bool = False, fresh: bool = False, lang: str | None = None) -> Iterator[dict[str, Any]]:
        """Events: ``{"type": "delta", "text"}`` pieces, then one ``{"type": "done", "answer"}``.
        ``fresh`` answers past the cache (a regenerated answer); ``lang`` as for ``ask``."""
        started, lang = time.perf_counter(), answer_language(lang, question)
        conversation_id, resolved = self._converse(question, principal, conversation, remember)
        answer = self._special_answer(resolved, principal, lang)
        key, generations = None, self.db.generations()
        if answer is None:
            key, answer = self._cached(resolved, principal, generations)
            if fresh and answer is not None:
                answer = None
        if answer is None:
            answer, evidence = self._extract(resolved, principal, generations)
            if not answer.abstained and self.answerer is not None:
                for event in self.answerer.stream(resolved, evidence, answer):
                    if event["type"] != "done":
                        yield event
                        continue
                    final = Answer.from_public(resolved, event["answer"])
                    self._keep(key, final)
                    final = self._finish_turn(final, question, resolved, conversation_id, started, lang)
                    yield {"type": "done", "answer": final.public()}
                return
            self._keep(key, answer)
        answer = self._finish_turn(answer, question, resolved, conversation_id, started, lang)
        yield {"type": "delta", "text": answer.answer}
        yield {"type": "done", "answer": answer.public()}

    # -- conversations and the cache ---------------------------------------------------------
    def _converse(self, question: str, principal: Any, conversation: str | None,
                  remember: bool) -> tuple[str | None, str]:
        if conversation is None and not remember:
            return None, question
        actor = principal.name if principal is not None else "cli"
        conversations = self._conversations()
        conversation_id = conversations.open(actor, conversation)
        return conversation_id, conversations.resolve(question, conversations.history(conversation_id))

    def _finish_turn(self, answer: Answer, question: str, resolved: str, conversation_id: str | None,
                     started: float, lang: str | None = None) -> Answer:
        """The turn's last step: measured, its fixed texts in the asker's language, kept in the conversation."""
        answer = localise(answer, answer_language(lang, question))
        metrics.observe_answer(metrics.answer_mode(answer.mode, answer.abstained, answer.notice,
                                                   self.answerer is not None), started)
        answer.question = question
        answer.resolved_question = resolved if resolved != question else None
        answer.conversation_id = conversation_id
        if conversation_id is not None:
            self._conversations().record(conversation_id, question, resolved, answer.answer)
        return answer

    def _cached(self, question: str, principal: Any,
                generations: tuple[int, int]) -> tuple[str | None, Answer | None]:
        cache = self._cache()
        if cache is None:
            return None, None
        # the generator's prompt version is part of the key: a new prompt must not serve old answers
        model = f"{self.model}/{self.answerer.prompt_version}" if self.answerer is not None else "extractive"
        key = cache.key(question, principal, *generations, model, ANSWER_FORMAT)
        hit = cache.get(key)
        metrics.CACHE.labels("miss" if hit is None else "hit").inc()
        if hit is None:
            return key, None
        answer = Answer.from_public(question, hit)
        answer.cached = True
        return key, answer

    def _keep(self, key: str | None, answer: Answer) -> None:
        """Cache answers that are final: not a fallback while the model was down."""
        cache = self._cache()
        if key is not None and cache is not None and not transient(answer.notice) and not answer.cached:
            cache.put(key, answer.public())

    def _special_answer(self, question: str, principal: Any = None, lang: str = "ru") -> Answer | None:
        """Requests that are not questions to the knowledge base: a document's summary or what
        changed in it, an incident report, «как в прошлый раз…». Made anew for every turn (never
        cached), so they are made in the asker's language ``lang`` directly."""
        return (self._summaries().chat_answer(question, principal, lang)
                or self._incident_answer(question, principal, lang))

    def _incident_answer(self, question: str, principal: Any = None, lang: str = "ru") -> Answer | None:
        """An operator's incident report is recorded; «как в прошлый раз решили…» is answered from
        the incident log when it holds similar cases (otherwise the knowledge base answers)."""
        report = incident_report_text(question)
        if report is None and not is_history_question(question):
            return None  # the usual case: nothing to do with incidents, nothing computed
        allowed = allowed_stations(self._stations(), principal) if principal is not None else None
        if report is not None:
            number = station_in(report)
            if allowed is not None and number is not None and station_id(number) not in allowed:
                return Answer(question, i18n.text(TEXTS, "incident_not_assigned", lang, station=station_id(number)),
                              True, mode="incident")
            reports = self._reports()
            categories = reports.parser.categories_in(report, reports.vocabulary())
            try:
                incident = self._incident_history().record(report, categories[0] if categories else None)
            except InvalidInput as exc:
                return Answer(question, exc.message(lang), True, mode="incident")
            reports.invalidate()
            name = reports.categories[incident.category].name_in(lang) if incident.category in reports.categories \
                else incident.category
            said = i18n.text(TEXTS, "incident_recorded", lang, incident=incident.incident_id,
                             station=incident.station_id, category=name, when=f"{incident.occurred_at:%d.%m.%Y %H:%M}")
            return Answer(question, said, False, [_incident_citation(incident, incident.description or "", 1.0, lang)],
                          mode="incident")
        reports = self._reports()
        found = self._incident_history().search(question, reports.parser.categories_in(question, reports.vocabulary()),
                                               allowed=allowed)
        if not found:
            return None
        text, cites = describe(found, lang)
        citations = [_incident_citation(f.incident, c["quote"], f.score, lang)
                     for f, c in zip(found, cites, strict=True)]
        return Answer(question, text, False, citations, citations, mode="incidents")

    def _extract(self, question: str, principal: Any, generations: tuple[int, int]) -> tuple[Answer, list[Evidence]]:
        """The extractive answer and the passages behind it, best first: those retrieved for the whole
        question; for a question of several asks, the passages quoted first, in the answer's order (what a
        generator reads).

        A question of two or three asks that no passage answers as a whole is answered ask by ask, when the
        base answers every one of them; one ask without an answer leaves the question declined."""
        query, evidence = self.retrieve(question, principal=principal, generations=generations)
        answer = self._extractive(question, query, evidence)
        evidence = [e for e in evidence if not e.elsewhere]  # another chain's passages: not for a generator either
        separate = asks(question)
        if not separate or not evidence:
            return answer, evidence
        base = None if answer.abstained else answer
        extra, answered = self._answer_asks(separate, question, base, principal, generations)
        if not extra or (base is None and answered < len(separate)):
            return answer, evidence
        texts = [answer.answer] if base is not None else []
        citations = list(answer.citations) if base is not None else []
        for text, ev in extra:
            citations.append(ev.citation(ev.chunk.text if ev.chunk.kind == "table_row" else to_plain(text)))
            texts.append(f"{_apart(texts[-1] if texts else '', text, citations[-1])} [{len(citations)}]")
        # what a generator reads: the passages quoted, in the answer's order, then the rest as retrieved
        by_id = {e.chunk.id: e for e in evidence} | {ev.chunk.id: ev for _, ev in extra}
        quoted = [by_id[c] for c in dict.fromkeys(c.chunk_id for c in citations) if c in by_id]
        taken = {e.chunk.id for e in quoted}
        evidence = [*quoted, *(e for e in evidence if e.chunk.id not in taken)]
        return (Answer(question, "\n\n".join(texts), False, citations,
                       _cited_first([e.citation() for e in evidence], citations),
                       notice=answer.notice if base is not None else None), evidence)

    def _answer_asks(self, separate: list[str], question: str, base: Answer | None, principal: Any,
                     generations: tuple[int, int]) -> tuple[list[tuple[str, Evidence]], int]:
        """Quotes for the asks that the answer so far (``base``) does not hold, and how many asks have an
        answer in all (held by ``base``, by a passage quoted already, or by a new quote)."""
        sentences = self._sentences(base.answer) if base else []
        held = set().union(*(lemmas for lemmas, _ in sentences))
        cited = {c.chunk_id for c in base.citations} if base else set()
        extractor = Extractor(self.analyzer, self.index.idf)
        out: list[tuple[str, Evidence]] = []
        answered = 0

        def is_held(word: str) -> bool:  # a stop word, or a word the answer so far has
            return not self.analyzer.lemmas(word) or self._lemma_of(word) in held

        for ask in separate:
            own = {self._lemma_of(w) for w in own_words(ask) if self.analyzer.lemmas(w)}
            numeric = wants_number(ask)
            if own and any(own <= lemmas and (has_number or not numeric) for lemmas, has_number in sentences):
                answered += 1  # one sentence quoted already names all the ask names (and a figure, when asked)
                continue
            text = with_subject(ask, question, separate, is_held)
            query, evidence = self.retrieve(text, k=5, principal=principal, generations=generations)
            answering, _ = self._holds_answer(query, evidence)
            ev = next((e for e, ok in zip(evidence[:ASK_RANK], answering, strict=False) if ok and not e.elsewhere),
                      None)
            if ev is None:
                continue  # not in the base
            answered += 1
            if ev.chunk.id in cited:
                continue
            sp = extractor.score(ev.chunk, query, numeric, is_yes_no(ask))
            quote = extractor.quote(sp, is_procedural(ask), numeric, max_units=3, numbered=False,
                                    whole=len(ev.chunk.text) <= SHORT_PASSAGE)
            out.append((quote, ev))
            cited.add(ev.chunk.id)
            for lemmas, has_number in self._sentences(quote):
                sentences.append((lemmas, has_number))
                held.update(lemmas)
        return out, answered

    def _sentences(self, markdown: str) -> list[tuple[set[str], bool]]:
        """The lemmas of each sentence of an answer's text, and whether it has a figure."""
        return [(set(self.analyzer.lemmas(s)), any(ch.isdigit() for ch in s))
                for line in to_plain(markdown).splitlines() for s in split_sentences(line)]

    def _extractive(self, question: str, query: Any, evidence: list[Evidence]) -> Answer:
        retrieved = [e.citation() for e in evidence]
        if not evidence:
            text = EMPTY_KB_TEXT if self.index.size() == 0 else ABSTAIN_TEXT
            return Answer(question, text, True, [], retrieved)
        parts: list[tuple[str, list[Citation]]] = []
        # (a question of nothing the station has reads no table either: «бойым 180 см болса…» is no tank's 180 cm)
        table = None if answerable.off_domain(query) else lookup(question, evidence, self.db, self.analyzer)
        if table is not None:
            parts.append((escape(table.text), self._table_citations(table, evidence)))
        passages, answering = self._passages(question, query, evidence,
                                             skip_document=table.rows[0].document_id if table else None)
        parts.extend(passages)
        if not parts:
            return Answer(question, ABSTAIN_TEXT, True, [], retrieved)
        notice = self._disagreement(question, query, evidence, parts, answering, table is not None)
        texts: list[str] = []
        citations: list[Citation] = []
        for text, cites in parts:
            text = _apart(texts[-1] if texts else "", text, cites[0])
            citations.extend(cites)
            texts.append(f"{text} [{len(citations)}]" if len(cites) == 1 else
                         f"{text} [{len(citations) - len(cites) + 1}–{len(citations)}]")
        return Answer(question, "\n\n".join(texts), False, citations, _cited_first(retrieved, citations),
                      notice=notice)

    def _disagreement(self, question: str, query: Any, evidence: list[Evidence],
                      parts: list[tuple[str, list[Citation]]], answering: set[int], table: bool) -> str | None:
        """The notice that two documents disagree on the figure asked (:mod:`~azs_assistant.assistant.figures`),
        read over the quotes (the table's values, a passage the model holds to answer or lets stand beside one) and
        the passages among the first five it holds or lets stand that the answer does not quote (not another
        chain's); such a passage, when it is a side of the disagreement, is quoted too (its sentence, a table row
        whole), so both are cited. What decides that two sentences speak of one thing is figures' own reading, not
        the model's."""
        organisations = {e.document.id: e.organisations for e in evidence}
        quotes = [Quote(cites[0].document_id, cites[0].title, to_plain(text),
                        organisations.get(cites[0].document_id, frozenset()), cites[0].source)
                  for n, (text, cites) in enumerate(parts)
                  if (n == 0 and table) or any(c.chunk_id in answering for c in cites)]
        quoted = {c.document_id for _, cites in parts for c in cites}
        # (never another chain's passage: its rule is in force at its own stations, and it is not quoted)
        unquoted = [e for e in evidence[:5] if e.chunk.id in answering and e.document.id not in quoted
                    and not e.elsewhere]
        first_unquoted = len(quotes)
        quotes += [Quote(e.document.id, e.document.title, e.chunk.text, e.organisations, e.document.source)
                   for e in unquoted]
        found = disagreement(question, quotes, self.analyzer.tokens, query.dense_text or "")
        if found is None:
            return None
        for index, sentence in zip(found.quotes, found.sentences, strict=True):
            if index >= first_unquoted:
                ev = unquoted[index - first_unquoted]
                # a table row whole (its key says what the figure is of), as rows are cited; else the sentence
                said = ev.chunk.text if ev.chunk.kind == "table_row" else sentence
                parts.append((escape(said), [ev.citation(said)]))
        return found.notice()

    def _passages(self, question: str, query: Any, evidence: list[Evidence],
                  skip_document: int | None) -> tuple[list[tuple[str, list[Citation]]], set[int]]:
        """Quotes from the passage that answers best and, when it covers another part of the
        question, from a second source; and the passages (chunk ids) the model holds to answer or lets stand
        beside one that does."""
        held, supporting = self._holds_answer(query, evidence)
        if not any(held[:3]):
            return [], set()
        candidates = [e for e, ok in zip(evidence[:5], supporting, strict=False)
                      if ok and e.chunk.document_id != skip_document and not e.elsewhere]
        answering = {e.chunk.id for e, ok in zip(evidence[:5], held, strict=False) if ok}
        # a passage that shares only a quantity with the question («мерник на 10 литров» for «пролив 10 литров») is
        # not quoted while one that holds what it is about answers it
        topical = [e for e in candidates if on_topic(query, _lemmas(e.chunk)) is not False]
        on_subject = {e.chunk.id for e in topical}
        if topical and len(topical) < len(candidates):
            if not answering & on_subject:
                # none that the model holds is on the subject («төгілу болды 10 литр»: only the measuring check was
                # held): the first that holds the dictionary's word for the subject answers in its place. Not where
                # the question names a code (the row of «E-17» holds no other word of it), nor on a word of the
                # asker's language alone (a Kazakh memo's «құммен» is no subject of a Russian rule)
                heads = {query.jargon_of[lemma][0] for lemma, _ in query.key_terms if lemma in query.jargon_of}
                named = [e for e in topical if heads & _lemmas(e.chunk)]
                if named and not _NAMES_CODE.search(query.text):
                    answering = answering | {named[0].chunk.id}
            if answering & on_subject:
                candidates = topical
        if not answering & {e.chunk.id for e in candidates}:
            return [], set()
        # (whether it asks yes or no is read without the chain's name: «можно оператору запустить генератор? береке»)
        numeric, procedural, yes_no = wants_number(question), is_procedural(question), is_yes_no(query.text)
        extractor = Extractor(self.analyzer, self.index.idf)
        scored = [(e, extractor.score(e.chunk, query, numeric, yes_no)) for e in candidates]
        ranked = list(scored)  # the re-ranked order (the search's fused score put a document's opening first)
        # Retrieval order stands unless a passage retrieved nearly as well holds a clearly better
        # sentence, or covers clearly more of the question's content (the words that tell two
        # similar procedures apart: «крупный пролив» against «средний пролив»).
        # the lead is a passage that holds the answer; one that only supports it comes second or not at all
        lead = next(p for p in ranked if p[0].chunk.id in answering)
        for ev, sp in ranked:
            if ev.chunk.id not in answering or ev is lead[0]:
                continue
            # a long document's opening (its name, scope and general provisions) names the subject in every
            # sentence: its best sentence is no better answer, so it leads only where retrieval put it first
            better_sentence = (sp.best >= 1.6 * lead[1].best and ev.hit.score >= 0.75 * lead[0].hit.score
                               and not (ev.chunk.ordinal == 0 and _has_more(self.db, ev.chunk.document_id))
                               # steps asked: a list titled as asked («Измерение плотности ареометром») is not
                               # outdone by one step of another procedure that names the same words
                               # (nor by a sentence of a passage on another subject that names the words: «разлитое
                               # топливо убирают по инструкции о проливах» of the nozzle that does not shut off led
                               # «жанармай төгілсе не істеу керек» over the spill's steps)
                               and not (procedural and (_is_step(sp) or not has_steps(ev.chunk))
                                        and (_titles_steps(lead[1]) or self._headed_steps(lead, sp, query))))
            better_coverage = ev.support >= lead[0].support + 0.15 and ev.hit.score >= 0.85 * lead[0].hit.score
            # steps asked, and the lead has none: a list whose heading names more of the question leads («большой
            # пролив что делать» led with the nozzle that does not shut off, which names «разлитое топливо»)
            titled_steps = (procedural and not has_steps(lead[0].chunk) and has_steps(ev.chunk)
                            and ev.hit.score >= 0.75 * lead[0].hit.score
                            and self._heading_match(ev.chunk.section, query)
                            > self._heading_match(lead[0].chunk.section, query))
            if better_sentence or better_coverage or titled_steps:
                lead = (ev, sp)
        if asks_only_whether(query.text):
            rule = self._rule_instead(query, lead, evidence, skip_document, extractor)
            if rule is not None:
                ranked = [p for p in ranked if p[0].chunk.id != rule[0].chunk.id]
                ranked.insert(0, rule)
                lead = rule
        ranked.remove(lead)
        ranked.insert(0, lead)
        chosen = [ranked[0]]
        if skip_document is None:
            lead_ev = ranked[0][0]
            extra = [(ev, sp) for ev, sp in ranked[1:]
                     if sp.best >= 0.3 * ranked[0][1].best and self._adds_evidence(query, ev, lead_ev)]
            if extra:  # prefer another document, then what covers most of the rest of the question
                chosen.append(max(extra, key=lambda p: (p[0].chunk.document_id != lead_ev.chunk.document_id,
                                                        self._gain(query, p[0], lead_ev), p[0].hit.score)))
            chosen += self._nearby(ranked, chosen, evidence)
            # (a figure asked too: the quote is the figure's sentences, not the list, so no list is added)
            steps = (self._steps_after_row(question, chosen, evidence, query, extractor)
                     if procedural and not numeric else None)
            if steps is not None:  # the row answers what, the document's list how: right after the row
                chosen = [chosen[0], steps, *[p for p in chosen[1:] if p[0].chunk.id != steps[0].chunk.id]]
                chosen = chosen[:MAX_QUOTED]
        out: list[tuple[str, list[Citation]]] = []
        quoted: set[int] = set()
        rows: set[int] = set()
        for n, (ev, sp) in enumerate(chosen):
            if ev.chunk.id in quoted:
                continue  # its steps are already in the procedure quoted above
            # the first passage that leads to a procedure is quoted as all of its steps (after a table row
            # that says whom to call, the regulation's steps)
            whole = self._procedure(query, ev, sp, extractor) if procedural and not numeric and not quoted else None
            if whole is not None:
                # the procedure is the document's whole unit: a passage of it quoted before (its preamble) goes
                # (a table row quoted first is an answer of its own, and stays)
                out = [(t, c) for t, c in out if c[0].document_id != ev.chunk.document_id or c[0].chunk_id in rows]
                out.append((whole.markdown, self._procedure_citations(whole, ev)))
                quoted.update(c.id for c in whole.chunks)
                continue
            # a second source's steps are all quoted too, as bullets: one numbered list per answer
            # a list of steps quoted beside the answer is quoted with all its steps: two of the large spill's five,
            # without «Позвонить 112», read as the whole of what to do
            # (a list alone, or under one line that leads into it: a passage of clauses with a list among them is
            # quoted by its sentences, as the clause «Залоговая стоимость…» answers)
            lines = [line for line in ev.chunk.text.split("\n") if line.strip()]
            items = sum(line.startswith("— ") for line in lines)
            steps_beside = n > 0 and ev.chunk.kind == "steps" and items >= 2 and len(lines) - items <= 1
            quote = extractor.quote(sp, procedural or steps_beside, numeric, max_units=5 if n == 0 else 2,
                                    numbered=n == 0, whole=n == 0 or len(ev.chunk.text) <= SHORT_PASSAGE)
            out.append((quote, [ev.citation(ev.chunk.text if ev.chunk.kind == "table_row" else to_plain(quote))]))
            if ev.chunk.kind == "table_row":
                rows.add(ev.chunk.id)
        return out, answering | {e.chunk.id for e in candidates}

    def _rule_instead(self, query: Any, lead: tuple[Evidence, ScoredPassage], evidence: list[Evidence],
                      skip_document: int | None, extractor: Extractor) -> tuple[Evidence, ScoredPassage] | None:
        """For «можно ли…?»: the passage among the first five whose rule («…запрещается», «разрешается только
        старшему смены») matches the question clearly better than the answering passage does, by the rule
        sentence's own words (a heading «Запрещается» over a list about cars does not make its items about a
        canister). The model reads whether the base answers at all; which passage says yes or no is for the
        rule to tell («можно выбросить сорбент в мусорку?» was answered by who takes the used sorbent away).
        The passages the model may not quote (lacking what is asked, a row of another record, a passage that
        only names its document) and a long document's opening are not taken."""
        possible = self._possible(query, evidence)
        best: tuple[Evidence, ScoredPassage] | None = None
        need = RULE_LEAD * lead[1].best
        # the rule is matched by what the question is about: «разрешено», which the dictionary gives for the
        # Kazakh «бола ма?» («can one?»), made «Соединять муфту разрешено только сервисной службе» the answer to
        # «темекі шегуге бола ма?» (smoking) over «На территории АЗС запрещается: курить…»
        added = set(query.expansions)
        about = replace(query, terms={t: w for t, w in query.terms.items() if t not in INTENT_WORDS or t not in added})
        for ev, ok in zip(evidence[:5], possible, strict=False):
            if ev is lead[0] or not ok or ev.elsewhere or ev.chunk.document_id == skip_document \
                    or ev.chunk.ordinal == 0 and _has_more(self.db, ev.chunk.document_id):
                continue
            own = rule_best(extractor.score(ev.chunk, about, False, True, heading_counts=False))
            if own >= need:
                best, need = (ev, extractor.score(ev.chunk, query, False, True)), own
        return best

    @staticmethod
    def _steps_after_row(question: str, chosen: list[tuple[Evidence, ScoredPassage]], evidence: list[Evidence],
                         query: Any, extractor: Extractor) -> tuple[Evidence, ScoredPassage] | None:
        """A question that asks for the steps («…по шагам») answered by a table row («Хот-дог: списать по акту
        БО-52»): the list of steps of the row's document retrieved among the first five, which the model may
        not let stand on its own words (it names the procedure, not the product)."""
        row = chosen[0][0]
        if row.chunk.kind != "table_row" or not asks_for_steps(question):
            return None
        lists = [e for e in evidence[:5] if e.chunk.document_id == row.chunk.document_id and not e.elsewhere
                 and e.chunk.kind != "table_row" and has_steps(e.chunk)]
        return (lists[0], extractor.score(lists[0].chunk, query, False)) if lists else None

    @staticmethod
    def _nearby(ranked: list[tuple[Evidence, ScoredPassage]], chosen: list[tuple[Evidence, ScoredPassage]],
                evidence: list[Evidence]) -> list[tuple[Evidence, ScoredPassage]]:
        """Passages retrieved among the first :data:`NEARBY_RANK` that the model lets stand beside the answering
        one (``ranked`` holds only those, after the lead: a rule that answers «можно…?» may lead without the
        model's support, see ``_rule_instead``) and that match the question at all, up to :data:`MAX_QUOTED`
        in all."""
        position = {e.chunk.id: i for i, e in enumerate(evidence)}
        taken = {ev.chunk.id for ev, _ in chosen}
        out: list[tuple[Evidence, ScoredPassage]] = []
        for ev, sp in ranked[1:]:
            if len(chosen) + len(out) >= MAX_QUOTED:
                break
            if ev.chunk.id in taken or position.get(ev.chunk.id, NEARBY_RANK) >= NEARBY_RANK:
                continue
            if sp.best >= 0.3 * ranked[0][1].best > 0:
                out.append((ev, sp))
        return out

    def _holds_answer(self, query: Any, evidence: list[Evidence]) -> tuple[list[bool], list[bool]]:
        """For each of the first five passages: does it hold the answer (the calibrated model), and may
        it be quoted beside one that does?"""
        passages = answerable.retrieved(evidence)
        synonyms = self._synonyms(query)
        possible = self._possible(query, evidence, passages, synonyms)
        if passages and all(p.dense == 0.0 for p in passages):
            # no dense model (AZS_EMBEDDINGS=none): the model was fitted with that signal, so the
            # lexical rule it replaced decides (most of the question's weighted content in the passage)
            held = [p.support >= answerable.LEXICAL_ONLY_SUPPORT and ok
                    for p, ok in zip(passages, possible, strict=True)]
            return held, held
        values = answerable.judge(query, passages, self.index.idf, self.index.knows, self._lemma_of)
        key = answerable.names_record_key(query.text)
        # a code's row is its whole record; a station's row answers only what it holds besides the station
        rows = [i < 3 and e.chunk.kind == "table_row"
                and (key != "station" or answerable.row_holds_more(query, e.chunk.text, self.analyzer.lemmas))
                for i, e in enumerate(evidence[:len(passages)])]
        keyed = key is not None
        key_rows = [answerable.key_row(v, row, keyed)
                    or (key == "code" and row and answerable.code_row_lacks_only_place(query.text, p.text,
                                                                                       self.index.knows))
                    for v, row, p in zip(values, rows, passages, strict=True)]
        # a duration, a frequency or a company said of the thing asked: a passage the model supports answers
        timed = [answerable.supports(v) and answerable.states_what_is_asked(query.text, p.text, synonyms,
                                                                            query.corrections)
                 for v, p in zip(values, passages, strict=True)]
        key_rows = [k or t or answerable.covers(v) for k, t, v in zip(key_rows, timed, values, strict=True)]
        return ([(answerable.answers(v) or by_key) and ok for v, by_key, ok in zip(values, key_rows, possible,
                                                                                     strict=True)],
                [(answerable.supports(v) or by_key) and ok for v, by_key, ok in zip(values, key_rows, possible,
                                                                                      strict=True)])

    def _possible(self, query: Any, evidence: list[Evidence], passages: list[Any] | None = None,
                  synonyms: Callable[[str], Any] | None = None) -> list[bool]:
        """For each of the first five passages: may it answer at all (it has what is asked, it is not a row
        of another record, it does not only name its document)?"""
        passages = passages if passages is not None else answerable.retrieved(evidence)
        synonyms = synonyms or self._synonyms(query)
        readings = answerable.asked_readings(query)
        if answerable.off_domain(query):
            return [False] * len(passages)
        return [not any(answerable.lacks_what_is_asked(text, p.text, synonyms, query.corrections) for text in readings)
                and not answerable.row_names_nothing(query, e.chunk, self.analyzer.lemmas, self._lemma_of)
                and not answerable.only_names_its_document(e.chunk.text, query.text)
                and not answerable.asks_another_edition(query.text, e.document_editions)
                for p, e in zip(passages, evidence, strict=False)]

    def _synonyms(self, query: Any) -> Callable[[str], list[str]]:
        """A thing's jargon terms: its own («пистолет» → «раздаточный кран») and, for a word of a jargon phrase of
        the question, the phrase's («датчиков уровня» → «уровнемер»)."""
        phrases = query.phrase_terms
        return cache(lambda word: [*self.queries.analyse(word).expansions,
                                   *phrases.get(word, phrases.get(self._lemma_of(word.lower()), ()))])

    def _lemma_of(self, word: str) -> str:
        tokens = self.analyzer.tokens(word)
        return tokens[0].lemma if tokens else word

    def _procedure(self, query: Any, ev: Evidence, sp: ScoredPassage,
                   extractor: Extractor) -> Procedure | None:
        """All the steps of the list the passage belongs to, gathered across the passages it was cut into.
        A passage without steps (a regulation's preamble that names the subject) gives way to the
        document's list of steps that matches the question best, when it matches nearly as well; a
        passage with steps, to a list that matches clearly better, unless that list's best sentence is none of
        its steps (the document's title in its opening passage): then the passage's own list stands."""
        if ev.chunk.kind == "table_row":
            return None  # a row is a whole record (code, meaning, what to do): not a pointer to a list
        chunks = _document_chunks(self.db, ev.chunk.document_id)
        chunk = ev.chunk
        # a list under a subsection that names nothing of the question («2.3. Оборудование и безопасность»), in a
        # section whose heading does («2. Что проверяется при передаче»): the question asks for the whole section
        parent = chunk.section.rsplit(" › ", 1)[0] if chunk.section.count(" › ") >= 2 else ""
        if parent and has_steps(chunk) and self._heading_match(chunk.section, query) == 0 \
                and self._heading_match(parent, query) > 0:
            whole = sections_under(chunks, parent, ev.document.title)
            if whole is not None and len(whole.markdown) <= WHOLE_SECTION_BUDGET:
                return whole
        scored = [extractor.score(c, query, False) for c in chunks
                  if c.kind != "table_row" and c.id != ev.chunk.id and has_steps(c)]
        steps = max(scored, key=lambda p: p.best, default=None)
        own = has_steps(chunk)
        # the document's opening passage matched by its name and subject: which list is meant is for the
        # lists themselves to say
        if chunk.ordinal == 0:
            needed = max((score for unit, score in zip(sp.units, sp.scores, strict=False)
                          if any(t in unit for t in step_texts(chunk))), default=0.0)
        else:
            needed = (OTHER_STEPS if own else STEPS_INSTEAD) * sp.best
        # a list under its own heading that names the question as well as the other list's heading does stands:
        # «мелкий пролив до литра, что делать» is «Небольшой пролив (до 1 литра)», not «Средний пролив (от 1 до 20
        # литров)», whose steps name «пролив» more often
        if steps is not None and own and steps.chunk.section != chunk.section \
                and 0 < self._heading_match(steps.chunk.section, query) <= self._heading_match(chunk.section, query):
            steps = None
        # a passage under a heading of its own that names more of the question than the list's heading is what was
        # asked, steps or not: «утечка газа, что делать» is the paragraph under «Утечка газа», not the list under
        # «Заправка» (a list in a subsection of its own section goes on with it: «Утечка газа › Порядок действий»)
        if steps is not None and not own and own_heading(chunk.section, ev.document.title) \
                and steps.chunk.section != chunk.section and not steps.chunk.section.startswith(chunk.section + " › ") \
                and self._heading_match(steps.chunk.section, query) < self._heading_match(chunk.section, query):
            steps = None
        tried: list[ScoredPassage] = []
        if steps is not None and steps.best > 0 and steps.best >= needed and (not own or steps.best > needed):
            tried.append(steps)
            if own and not any(_best_unit(steps) in t or t in _best_unit(steps) for t in step_texts(steps.chunk)):
                tried.append(sp)  # the other list matched by no step of its own (its title): this one stands
        elif own:
            tried.append(sp)
        for best in tried:
            alike = self._alike_lists(query, best.chunk, chunks, ev.document.title)
            if alike is not None:
                return alike
            whole = procedure_of(best.chunk, ev.document.title, lambda: chunks, query.terms, self.analyzer.lemmas,
                                 _best_unit(best, skip_rules=not is_yes_no(query.text)))
            if whole is not None:
                return whole
        return None

    def _alike_lists(self, query: Any, chunk: Chunk, chunks: list[Chunk], title: str) -> Procedure | None:
        """«пролив топлива, что делать» over «Небольшой пролив (до 1 литра)», «Средний пролив (от 1 до 20 литров)»
        and «Крупный пролив (более 20 литров)…»: lists side by side under one heading, each named by the question's
        subject, and nothing in the question (a number, a word of one heading only, a word of none) tells which is
        meant: all of them, each under its heading, for the asker to find theirs. The large spill's five steps alone
        (the list that named «топливо» too) read as what to do with any spill."""
        if " › " not in chunk.section or re.search(r"\d", query.text):
            return None
        parent = chunk.section.rsplit(" › ", 1)[0]
        depth = chunk.section.count(" › ")
        sections = list(dict.fromkeys(c.section for c in chunks if c.section.startswith(parent + " › ")
                                      and c.section.count(" › ") == depth and c.kind != "table_row" and has_steps(c)))
        if not 2 <= len(sections) <= 4:
            return None
        headings = [set(self.analyzer.lemmas(own_heading(section, title))) for section in sections]
        if not all(heading & set(query.terms) for heading in headings):
            return None
        common = set.intersection(*headings) | set(self.analyzer.lemmas(f"{parent} {title}"))
        # a word of no heading that two of the lists use is taken as the setting, not a choice between them (it
        # errs toward quoting all): «пролив топлива на АЗС», where «менеджеру АЗС» is in the medium and the large
        # spill's steps, got the medium spill's list alone
        named = set.union(*headings)
        bodies = [set(self.analyzer.lemmas(" ".join(c.text for c in chunks if c.section == section)))
                  for section in sections]

        def tells_none_apart(words: set[str]) -> bool:
            # (a word, or the dictionary's term for it, in some headings only names those: «большой» is «крупный»)
            if words & (named - common):
                return False
            return bool(words & common) or sum(bool(words & body) for body in bodies) >= 2

        if not all(tells_none_apart({lemma, *query.jargon_of.get(lemma, ())}) for lemma, _ in query.key_terms):
            return None
        whole = sections_under(chunks, parent, title, only=set(sections))
        return whole if whole is not None and len(whole.markdown) <= WHOLE_SECTION_BUDGET else None

    def _headed_steps(self, lead: tuple[Evidence, ScoredPassage], other: ScoredPassage, query: Any) -> bool:
        """The passage's steps stand under a heading of their own that names more of the question than the
        other passage's heading: the list titled as asked, where a PDF's heading is the section, not a line."""
        ev, sp = lead
        lines = lines_of(sp.chunk)
        return bool(lines) and bool(lines[0].step) and bool(own_heading(sp.chunk.section, ev.document.title)) \
            and self._heading_match(sp.chunk.section, query) > self._heading_match(other.chunk.section, query)

    def _heading_match(self, section: str, query: Any) -> float:
        """How much of the question a section's own heading (the last of its path) names (the query terms'
        weights)."""
        heading = section.rsplit(" › ", 1)[-1] if section else ""
        lemmas = set(self.analyzer.lemmas(heading)) - INTENT_WORDS - _PROCEDURE_WORDS  # «Порядок действий» names no one
        return sum(w for t, w in query.terms.items() if t in lemmas)

    @staticmethod
    def _procedure_citations(whole: Procedure, ev: Evidence) -> list[Citation]:
        """One citation per passage the steps came from, in document order; the answering passage's
        carries the quote."""
        return [ev.citation(to_plain(whole.markdown)) if c.id == ev.chunk.id else _row_citation(c, ev, c.text[:400])
                for c in whole.chunks]

    def _adds_evidence(self, query: Any, other: Evidence, best: Evidence) -> bool:
        """A second passage is quoted when it is strong, or when it covers a part of the question
        that the first passage does not (two sources for a two-part question)."""
        if other.chunk.document_id == best.chunk.document_id and other.chunk.section == best.chunk.section:
            return False
        if other.support >= best.support * 0.75 and other.hit.score >= best.hit.score * 0.6:
            return True
        return self._gain(query, other, best) >= 0.2 and other.hit.score >= best.hit.score * 0.5

    def _gain(self, query: Any, other: Evidence, best: Evidence) -> float:
        """Share of the question's weighted content that ``other`` has and ``best`` lacks. The synonyms of one
        jargon entry («бензовоз»: «автоцистерна», «АЦ», «приём нефтепродуктов») are one thing asked, counted
        once at its heaviest: summed, they made a passage that repeats a synonym look like it adds most."""
        groups = query.group_of()
        things: dict[Any, tuple[float, set[str]]] = {}
        for t, w in query.terms.items():
            key = ("group", groups[t]) if t in groups else ("term", t)
            weight, members = things.get(key, (0.0, set()))
            things[key] = (max(weight, w * self.index.idf(t)), members | {t})
        first, second = _lemmas(best.chunk), _lemmas(other.chunk)
        gained = sum(w for w, members in things.values() if members & second and not members & first)
        return gained / (sum(w for w, _ in things.values()) or 1.0)

    @staticmethod
    def _table_citations(table: Any, evidence: list[Evidence]) -> list[Citation]:
        by_id = {e.chunk.id: e for e in evidence}
        same_doc = next(e for e in evidence if e.chunk.document_id == table.rows[0].document_id)
        return [by_id[c.id].citation(c.text) if c.id in by_id else _row_citation(c, same_doc, c.text)
                for c in table.rows]


def _cited_first(retrieved: list[Citation], citations: list[Citation]) -> list[Citation]:
    """The answer step judged the cited passages best (sentence-level evidence), so the ranked list
    shows them first; the rest keep their retrieval order."""
    by_id = {r.chunk_id: r for r in retrieved}
    head: list[Citation] = []
    for c in citations:
        # a passage cited without being retrieved (the rest of a procedure, a table's neighbouring row)
        # is not a search result
        if c.chunk_id in by_id and all(h.chunk_id != c.chunk_id for h in head):
            head.append(by_id[c.chunk_id])
    seen = {h.chunk_id for h in head}
    return (head + [r for r in retrieved if r.chunk_id not in seen])[:max(len(retrieved), 1)]


_LIST_LINE = re.compile(r"^(?:[-*]|\d{1,3}[.)])\s")


def _apart(previous: str, text: str, citation: Citation) -> str:
    """A quote that opens with a list, after one that ends with a list, under its section's heading (or its
    document's title) in bold: Markdown would run the two into one list, and the fire procedure read as more
    items of the shift handover's checklist quoted above it."""
    if not _LIST_LINE.match(text.lstrip()):
        return text
    section = (citation.section or "").rsplit(" › ", 1)[-1].strip()
    if not previous.strip():
        # the answer opens with a list: under its section's heading, which says what the list is for («Средний
        # пролив (от 1 до 20 литров)»: a list of steps alone did not say which spill they are for)
        return f"{bold(section)}\n\n{text}" if section and section != citation.title else text
    if not _LIST_LINE.match(previous.rstrip().rsplit("\n", 1)[-1]):
        return text
    label = section or citation.title
    return f"{bold(label)}\n\n{text}" if label else text


def _document_chunks(db: Database, document_id: int) -> list[Chunk]:
    """A document's passages in order (a procedure is gathered back from them)."""
    with db.session() as s:
        return list(s.scalars(select(Chunk).where(Chunk.document_id == document_id).order_by(Chunk.ordinal)))


def _best_unit(sp: ScoredPassage, skip_rules: bool = False) -> str:
    """The passage's best-matching unit; with ``skip_rules``, the best that forbids or allows nothing, where one
    matches at all («что делать» is answered by steps, not by the list «Заправка запрещается: … следы утечки»
    that shares the passage with the leak's steps)."""
    order = sorted(range(len(sp.units)), key=lambda i: -sp.scores[i])
    if skip_rules:
        rules = rule_units(sp.chunk, sp.units)
        order = [i for i in order if i not in rules and sp.scores[i] > 0] or order
    return sp.units[order[0]] if order else ""


def _best_line(sp: ScoredPassage) -> tuple[list[Line], int | None]:
    """The passage's lines and the index of the one its best unit is (or sits in: a sentence of a paragraph);
    the unit's number is left out, as the lines leave it out («3. Измерение…» is the line «Измерение…»)."""
    best = without_number(_best_unit(sp))
    lines = lines_of(sp.chunk) if best else []
    at = next((i for i, ln in enumerate(lines) if best in ln.text), None)
    return lines, at


def _titles_steps(sp: ScoredPassage) -> bool:
    """The passage's best unit is a title over steps: a line, not a step, with a step right after it."""
    lines, at = _best_line(sp)
    return at is not None and not lines[at].step and at + 1 < len(lines) and bool(lines[at + 1].step)


def _is_step(sp: ScoredPassage) -> bool:
    lines, at = _best_line(sp)
    return at is not None and bool(lines[at].step)


def _has_more(db: Database, document_id: int) -> bool:
    """The document has more than its opening passage."""
    with db.session() as s:
        later = select(Chunk.id).where(Chunk.document_id == document_id, Chunk.ordinal > 0).limit(1)
        return s.scalar(later) is not None


def _lemmas(chunk: Chunk) -> set[str]:
    return set(chunk.lemmas.split()) | set(chunk.context_lemmas.split())


def _incident_citation(incident: Any, quote: str, score: float, lang: str = "ru") -> Citation:
    title = i18n.text(TEXTS, "incident_title", lang, incident=incident.incident_id)
    return Citation(source=f"incidents/{incident.incident_id}", title=title,
                    section=incident.category, page=None, quote=quote[:400], score=round(score, 4), chunk_id=0,
                    document_id=0, location=f"{incident.station_id}, {incident.occurred_at:%d.%m.%Y %H:%M}",
                    url=f"/incidents/{incident.incident_id}")


def _row_citation(chunk: Chunk, same_doc: Evidence, quote: str) -> Citation:
    """A table row that was not among the retrieved passages (a neighbour used for interpolation)."""
    d = same_doc.document
    return Citation(source=d.source, title=d.title, section=section_without_title(chunk.section, d.title),
                    page=chunk.page, quote=quote,
                    score=0.0, chunk_id=chunk.id, document_id=chunk.document_id, location=chunk.location)


def _opening_key(document: Any) -> OpeningKey:
    return (document.id, document.version, document.sha256)
