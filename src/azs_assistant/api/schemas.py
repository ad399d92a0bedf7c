"""Request and response bodies of the REST API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from azs_assistant.assistant.answer import Citation as CitationPublic  # one definition for both
from azs_assistant.http.schemas import ErrorBody, ErrorResponse, UtcDateTime, as_utc, iso_utc  # noqa: F401


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, examples=["Бензовоз приехал, когда можно мерить отсеки?"])
    conversation_id: str | None = Field(
        default=None, max_length=36, description="продолжить разговор: уточняющий вопрос читается с учётом прежних")
    regenerate: bool = Field(default=False, description="ответить заново: последний ход разговора заменяется "
                                                        "новым ответом, мимо кэша (только для /ask/stream)")
    lang: Literal["ru", "kk", "en"] | None = Field(
        default=None, description="язык интерфейса: на нём — собственные тексты ассистента («в базе знаний нет "
                                  "ответа», уведомления); без него — язык вопроса. Цитаты — на языке документа")


class AnswerPublic(BaseModel):
    answer: str = Field(description="ответ в Markdown (CommonMark): шаги нумерованным списком, вводные слова жирным, "
                                    "ссылки на источники [1]")
    answer_text: str = Field(description="тот же ответ простым текстом, без разметки (для скриптов)")
    abstained: bool
    citations: list[CitationPublic]
    retrieved: list[CitationPublic]
    mode: str
    notice: str | None = Field(default=None, description="предупреждение к ответу на языке спрашивающего, по строке "
                                                       "на каждое: документы называют разные значения спрошенного, "
                                                       "языковая модель недоступна или её ответ не подтвердился")
    answer_id: int | None = Field(default=None, description="для оценки ответа: POST /answers/{answer_id}/feedback")
    conversation_id: str | None = Field(default=None, description="передайте в следующем вопросе")
    resolved_question: str | None = Field(default=None, description="уточняющий вопрос, как его искали")
    cached: bool = False


class SearchResponse(BaseModel):
    query: str
    results: list[CitationPublic]


class DocumentPublic(BaseModel):
    id: int
    source: str
    title: str
    format: str
    status: str
    status_message: str | None
    chunks: int
    pages: int | None
    version: int
    size_bytes: int
    updated_at: UtcDateTime
    audience: dict[str, list[str]] | None = None


class PassagePublic(BaseModel):
    id: int
    section: str
    page: int | None
    location: str | None
    text: str


class DocumentDetail(DocumentPublic):
    passages: list[PassagePublic]


class Page(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[DocumentPublic]


class IngestResultPublic(BaseModel):
    source: str
    status: str
    message: str | None = Field(default=None, description="что с файлом, по-русски (причина отказа, предупреждение)")
    message_kk: str | None = Field(default=None, description="то же по-казахски")
    message_en: str | None = Field(default=None, description="то же по-английски")
    error_code: str | None = Field(default=None, description="код ошибки, когда файл не принят")
    document_id: int | None = None
    chunks: int = 0


class JargonTermPublic(BaseModel):
    term: str = Field(min_length=1, max_length=200, pattern=r"\S", examples=["солярка"])
    canonical: str = Field(min_length=1, max_length=500, pattern=r"\S", examples=["дизельное топливо ДТ"])
    note: str | None = Field(default=None, max_length=500)


class Health(BaseModel):
    status: str
    # the rest only for a signed-in caller (null without signing in)
    documents: int | None = None
    chunks: int | None = None
    embeddings: str | None = None
    llm: str | None = None
    version: str | None = None




class SummaryPointPublic(BaseModel):
    text: str
    chunk_id: int
    page: int | None = None


class SummarySectionPublic(BaseModel):
    heading: str
    points: list[SummaryPointPublic]


class SummaryPublic(BaseModel):
    document_id: int
    title: str
    version: int
    mode: str = Field(description="extractive (без модели) или llm")
    text: str
    sections: list[SummarySectionPublic]
    key_facts: list[SummaryPointPublic]
    notice: str | None = None
    model: str | None = None
    prompt_version: str | None = None


class ChangePublic(BaseModel):
    from_version: int
    to_version: int
    created_at: UtcDateTime
    text: str
    changes: dict[str, Any]


class ConversationPublic(BaseModel):
    id: str
    title: str = Field(description="своё название или первый вопрос разговора")
    updated_at: UtcDateTime


class ConversationList(BaseModel):
    items: list[ConversationPublic]


class ConversationRename(BaseModel):
    title: str = Field(min_length=1, max_length=200)
