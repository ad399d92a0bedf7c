"""The use case behind «store this schedule» as an admin asks for it through the API
(``POST /api/v1/jobs/schedules``) or the jobs page's form (issue 24): a period in words (``7d``), then either a
report (questions, formats, recipients) or an incident sync. The checks and the audit are those of the
commands (``ScheduledReports.register``, ``Incidents.schedule_sync``); every refusal is an ``InvalidInput``
naming its field, so a form can show it next to that field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from azs_assistant.errors import InvalidInput
from azs_assistant.jobs.schedule import Schedule, parse_every

MAX_QUESTIONS, MAX_QUESTION_CHARS = 20, 500  # one report mail stays readable; a question is a sentence


class ScheduledReports(Protocol):
    """What the planner needs of ``reports.schedule.ScheduledReports`` (described here, not imported: jobs sits
    below reports and incidents, which schedule through it)."""

    def register(self, actor: object, name: str | None, every_s: float, questions: Sequence[str], formats: str,
                 *, emails: Sequence[str] = (), telegrams: Sequence[str] = (), ip: str | None = None,
                 lang: str = "ru") -> Schedule: ...


class Incidents(Protocol):
    """What the planner needs of ``incidents.service.Incidents``."""

    def schedule_sync(self, actor: object, every_s: float, name: str | None = None, *, full: bool = False,
                      ip: str | None = None) -> Schedule: ...


@dataclass(frozen=True)
class ReportPlan:
    """A scheduled report: its questions in plain words, the formats (``pdf,xlsx``) and who receives it."""

    questions: Sequence[str]
    formats: str = "pdf,xlsx"
    emails: Sequence[str] = ()
    telegrams: Sequence[str] = ()
    lang: str = "ru"  # the language of the texts, the files and the mail's subject


@dataclass(frozen=True)
class SyncPlan:
    """A timed incident sync: one configured source (None: all of them), incremental or full."""

    source: str | None = None
    full: bool = False


class SchedulePlanner:
    """Stores the schedules admins ask for; built with the two services that own the kinds of schedule."""

    def __init__(self, reports: Callable[[], ScheduledReports], incidents: Callable[[], Incidents]) -> None:
        self._reports, self._incidents = reports, incidents

    def create(self, actor: object, every: str, *, name: str | None = None, report: ReportPlan | None = None,
               sync: SyncPlan | None = None, ip: str | None = None) -> Schedule:
        """Check and store one schedule (the same name replaces it); audited as ``schedule.put``."""
        if (report is None) == (sync is None):
            raise InvalidInput("Укажите что-то одно: report (вопросы отчёта) или sync (источник инцидентов).",
                               "Give either report or sync.",
                               message_kk="Біреуін ғана көрсетіңіз: есеп (report) немесе оқиғаларды синхрондау (sync).",
                               field="report")
        every_s = parse_every(every)
        if report is not None:
            _check_questions(report.questions)
            return self._reports().register(actor, name, every_s, report.questions, report.formats,
                                            emails=report.emails, telegrams=report.telegrams, ip=ip,
                                            lang=report.lang)
        assert sync is not None
        return self._incidents().schedule_sync(actor, every_s, sync.source, full=sync.full, ip=ip)


def _check_questions(questions: Sequence[str]) -> None:
    """At most MAX_QUESTIONS questions of at most MAX_QUESTION_CHARS characters each, for the API and the
    page alike: a longer list is refused by name, never cut short in silence."""
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(f"В расписании не больше {MAX_QUESTIONS} вопросов, а задано {len(questions)}: "
                           "разделите их на несколько расписаний.",
                           f"A schedule holds at most {MAX_QUESTIONS} questions, not {len(questions)}: "
                           "split them into several schedules.",
                           message_kk=f"Кестеде {MAX_QUESTIONS} сұрақтан аспауы керек, ал {len(questions)} "
                                      "берілген: оларды бірнеше кестеге бөліңіз.", field="questions")
    for n, question in enumerate(questions, 1):
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(f"Вопрос {n} длиннее {MAX_QUESTION_CHARS} символов ({len(question)}): сократите его.",
                               f"Question {n} is longer than {MAX_QUESTION_CHARS} characters ({len(question)}): "
                               "shorten it.",
                               message_kk=f"{n}-сұрақ {MAX_QUESTION_CHARS} таңбадан ұзын ({len(question)}): "
                                          "оны қысқартыңыз.", field="questions")
