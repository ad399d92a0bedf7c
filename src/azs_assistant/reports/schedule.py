"""Scheduled reports: answer the standing questions, write one file per format, and deliver the files
by e-mail and Telegram. A schedule is registered once (`azs report schedule --every 7d`) and stored; every
job runner queues its job once per period (``reports.scheduled``), and the job runs it here."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azs_assistant.errors import AzsError, InvalidInput
from azs_assistant.i18n import check_language
from azs_assistant.reports import render

if TYPE_CHECKING:
    from azs_assistant.jobs import JobContext
    from azs_assistant.jobs.schedule import Schedule, StoredSchedules
    from azs_assistant.reports.service import Reports
    from azs_assistant.tickets.notify import Notifier

log = logging.getLogger("azs.reports")
REPORT_JOB = "reports.scheduled"
# the subject of the message that carries a schedule's files, in the schedule's language (``--lang``)
SUBJECT = {"ru": "Отчёт по инцидентам", "kk": "Оқиғалар туралы есеп", "en": "Incident report"}


@dataclass
class ScheduledRun:
    """What one round wrote and whom it reached; ``failed`` says, in Russian, what was not delivered."""

    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    sent: int = 0
    delivered: bool = False  # any recipients were asked for
    reached: list[str] = field(default_factory=list)  # «e-mail a@b.kz», «Telegram -1001»: delivered to


class ReportNotDelivered(AzsError):
    """The files were written but some recipients were not reached (SMTP or Telegram away): the job is
    retried with back-off, and the next attempt sends the same files to those recipients only."""

    code = "report_not_delivered"
    http_status = 503
    exit_code = 75


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TELEGRAM_CHAT = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")


def parse_formats(formats: str) -> list[str]:
    """``pdf,xlsx`` → the export formats, refusing unknown ones."""
    kinds = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in kinds if f not in render.EXPORT_FORMATS]
    if not kinds:
        raise InvalidInput(f"Выберите хотя бы один формат: {', '.join(render.EXPORT_FORMATS)}.",
                           "Choose at least one format.",
                           message_kk=f"Кемінде бір форматты таңдаңыз: {', '.join(render.EXPORT_FORMATS)}.",
                           field="formats")
    if bad:
        raise InvalidInput(f"Форматы {', '.join(bad)} не поддерживаются; допустимы: "
                           f"{', '.join(render.EXPORT_FORMATS)}.",
                           f"The formats {', '.join(bad)} are not supported; the supported ones are: "
                           f"{', '.join(render.EXPORT_FORMATS)}.",
                           message_kk=f"{', '.join(bad)} форматтарына қолдау көрсетілмейді; қолжетімдісі: "
                                      f"{', '.join(render.EXPORT_FORMATS)}.", field="formats")
    return kinds


def check_recipients(emails: Sequence[str], telegrams: Sequence[str]) -> None:
    """Addresses that look like e-mail addresses, chats that look like Telegram chat ids or @channels."""
    for address in emails:
        if not EMAIL.fullmatch(address):
            raise InvalidInput(f"«{address}» не похож на адрес e-mail.", f"Not an e-mail address: {address!r}.",
                               message_kk=f"«{address}» e-mail мекенжайына ұқсамайды.", field="emails")
    for chat in telegrams:
        if not TELEGRAM_CHAT.fullmatch(chat):
            raise InvalidInput(f"«{chat}» не похож на чат Telegram: нужен номер чата (например -1001234567890) или "
                               "@имя_канала.", f"Not a Telegram chat: {chat!r}.",
                               message_kk=f"«{chat}» Telegram чатына ұқсамайды: чат нөмірі (мысалы -1001234567890) "
                               "немесе @арна_атауы керек.", field="telegrams")


def default_name(questions: Sequence[str]) -> str:
    """A schedule's name made from its first question («report:инциденты_по_регионам»)."""
    first = questions[0] if questions else ""
    return "report:" + (re.sub(r"[^\w]+", "_", first.lower())[:60].strip("_") or "report")


class ReportSchedule:
    """Standing questions, the formats to write, the folder and the recipients of one schedule."""

    def __init__(self, reports: Reports, notifier: Notifier, questions: Sequence[str], formats: str, out_dir: Path,
                 *, emails: Sequence[str] = (), telegrams: Sequence[str] = (), lang: str = "ru") -> None:
        self.reports, self.notifier = reports, notifier
        self.questions, self.kinds, self.out_dir = list(questions), parse_formats(formats), out_dir
        self.emails, self.telegrams, self.lang = list(emails), list(telegrams), lang

    def run_once(self) -> ScheduledRun:
        """Write this round's files (charts only where the report has one), then deliver them."""
        written, body = self.write()
        return self.deliver(written, body)

    def write(self) -> tuple[list[Path], str]:
        """Answer each question and write its files; the files and the message's text."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        written, texts = [], []
        for i, question in enumerate(self.questions, start=1):
            report = self.reports.ask(question)
            texts.append(f"{question}\n{report.text_in(self.lang)}")
            slug = re.sub(r"[^\w]+", "_", question.lower())[:50].strip("_") or f"report{i}"
            for kind in self.kinds:
                if kind in ("png", "svg") and not render.has_chart(report.result):
                    continue
                path = self.out_dir / f"{stamp}_{slug}.{kind}"
                path.write_bytes(report.export(kind, self.lang).body)
                written.append(path)
        return written, "\n\n".join(texts)

    def deliver(self, written: list[Path], body: str, *, emails: Sequence[str] | None = None,
                telegrams: Sequence[str] | None = None) -> ScheduledRun:
        """Send the files to the recipients (all of the schedule's, or those given: the ones a failed
        attempt did not reach)."""
        emails = self.emails if emails is None else list(emails)
        telegrams = self.telegrams if telegrams is None else list(telegrams)
        run = ScheduledRun(written=list(written))
        if emails or telegrams:
            run.delivered = True
            subject = f"{SUBJECT.get(self.lang, SUBJECT['ru'])} {datetime.now():%d.%m.%Y}"
            run.failed = self.notifier.send_files(subject, body, written, emails=emails, telegrams=telegrams)
            unreached = {problem.split(":")[0] for problem in run.failed}
            labels = [f"e-mail {a}" for a in emails] + [f"Telegram {c}" for c in telegrams]
            run.reached = [label for label in labels if label not in unreached]
            run.sent = len(run.reached)
        return run


class ScheduledReports:
    """The use cases of scheduled reports: register one (stored, so every runner picks it up), run one now,
    and the job that runs a registered one each period."""

    def __init__(self, reports: Reports, notifier: Callable[[], Notifier],
                 schedules: Callable[[], StoredSchedules], reports_dir: Path | None = None) -> None:
        self.reports, self._notifier, self._schedules = reports, notifier, schedules
        self.reports_dir = reports_dir  # where a schedule registered without a folder (through the API) writes

    def build(self, questions: Sequence[str], formats: str, out_dir: Path, *, emails: Sequence[str] = (),
              telegrams: Sequence[str] = (), lang: str = "ru") -> ReportSchedule:
        """One schedule's work, checked: questions the parser understands (or the LLM may), known formats,
        recipients that look like addresses."""
        from azs_assistant.reports.parse import ReportUnclear

        if not [q for q in questions if q.strip()]:
            raise InvalidInput("Нужен хотя бы один вопрос для отчёта.", "At least one question is needed.",
                               message_kk="Есепке кемінде бір сұрақ керек.", field="questions")
        for question in questions:
            try:
                self.reports.parse(question)
            except ReportUnclear as unclear:
                if self.reports.llm is None:
                    refused = self.reports.example_for(unclear, None)
                    refused.details.setdefault("field", "questions")  # a form shows it under the questions
                    raise refused from None
        check_recipients(emails, telegrams)
        check_language(lang)
        return ReportSchedule(self.reports, self._notifier(), questions, formats, out_dir, emails=emails,
                              telegrams=telegrams, lang=lang)

    def register(self, actor: object, name: str | None, every_s: float, questions: Sequence[str], formats: str,
                 out_dir: Path | None = None, *, emails: Sequence[str] = (), telegrams: Sequence[str] = (),
                 ip: str | None = None, lang: str = "ru") -> Schedule:
        """Store the schedule under ``name`` (by default made from the first question; the same name replaces
        a schedule), checked first, audited. ``out_dir`` is made absolute, as the job runs in another process
        (on the machine of the runner that takes the job); without one, the files go to a folder of the
        schedule's own under the reports folder (``AZS_DATA_DIR/reports``)."""
        from azs_assistant.jobs.schedule import check

        name = (name or "").strip() or default_name(questions)
        check(name, every_s)
        if out_dir is None:
            if self.reports_dir is None:
                raise RuntimeError("ScheduledReports was built without a reports folder")
            out_dir = self.reports_dir / (re.sub(r"[^\w.-]+", "_", name).strip("._") or "report")
        self.build(questions, formats, out_dir, emails=emails, telegrams=telegrams, lang=lang)
        self._check_channels(emails, telegrams)
        payload = {"questions": list(questions), "formats": formats, "out_dir": str(out_dir.resolve()),
                   "emails": list(emails), "telegrams": list(telegrams), "lang": lang}
        return self._schedules().put(actor, name, REPORT_JOB, every_s, payload, ip)

    def _check_channels(self, emails: Sequence[str], telegrams: Sequence[str]) -> None:
        """Recipients only where this server can reach them: an e-mail address needs an SMTP server
        (``AZS_SMTP_HOST``), a Telegram chat the bot's token. Refused when the schedule is stored, not found out at
        its first run, when the files are written and nobody gets them."""
        settings = self._notifier().settings
        if emails and not settings.smtp_host:
            raise InvalidInput("Отправка по e-mail на этом сервере не настроена (нет AZS_SMTP_HOST): уберите адреса "
                               "или попросите администратора сервера настроить почту.",
                               "E-mail is not configured on this server (AZS_SMTP_HOST is not set): remove the "
                               "addresses or ask the server's administrator to set up mail.",
                               message_kk="Бұл серверде e-mail арқылы жіберу бапталмаған (AZS_SMTP_HOST жоқ): "
                                          "мекенжайларды алып тастаңыз немесе сервер әкімшісінен поштаны баптауды "
                                          "сұраңыз.", field="emails")
        if telegrams and not settings.telegram_bot_token:
            raise InvalidInput("Отправка в Telegram на этом сервере не настроена (нет AZS_TELEGRAM_BOT_TOKEN): уберите "
                               "чаты или попросите администратора сервера подключить бота.",
                               "Telegram is not configured on this server (AZS_TELEGRAM_BOT_TOKEN is not set): remove "
                               "the chats or ask the server's administrator to connect the bot.",
                               message_kk="Бұл серверде Telegram арқылы жіберу бапталмаған (AZS_TELEGRAM_BOT_TOKEN "
                                          "жоқ): чаттарды алып тастаңыз немесе сервер әкімшісінен ботты қосуды "
                                          "сұраңыз.", field="telegrams")

    def run_job(self, ctx: JobContext) -> dict[str, Any]:
        """The job of one period: write the files, deliver them; what was written and sent is its result.
        A delivery that fails fails the job, which is retried with back-off (``AZS_JOB_BACKOFF_S``): the retry
        sends the files the first attempt wrote to the recipients it did not reach."""
        p = ctx.payload
        schedule = self.build(p["questions"], p["formats"], Path(p["out_dir"]), emails=p.get("emails", ()),
                              telegrams=p.get("telegrams", ()), lang=p.get("lang", "ru"))
        log.info("отчёт по расписанию «%s»: вопросов %d", p.get("schedule", "—"), len(schedule.questions))
        written, body, reached = _resumed(ctx.previous)
        if written is None:
            written, body = schedule.write()
            for path in written:
                log.info("отчёт записан: %s", path)
        else:
            log.info("повторная отправка файлов прошлой попытки (%d), уже доставлено: %d", len(written), len(reached))
        done = {"written": [str(path) for path in written], "body": body, "reached": reached}
        ctx.progress(**done)
        run = schedule.deliver(written, body, emails=[a for a in schedule.emails if f"e-mail {a}" not in reached],
                               telegrams=[c for c in schedule.telegrams if f"Telegram {c}" not in reached])
        ctx.progress(**{**done, "reached": reached + run.reached})
        for problem in run.failed:
            log.warning("отчёт не доставлен: %s", problem)
        if run.failed:
            failures = "; ".join(run.failed)
            raise ReportNotDelivered(f"Отчёт записан, но не доставлен: {failures}",
                                     f"The report was written but not delivered: {failures}",
                                     message_kk=f"Есеп жазылды, бірақ жеткізілмеді: {failures}")
        return {"written": done["written"], "failed": [], "sent": len(reached) + run.sent}


def _resumed(previous: dict[str, Any]) -> tuple[list[Path] | None, str, list[str]]:
    """The files, text and reached recipients of an earlier attempt, when its files are still on this disk;
    (None, "", []) otherwise (the attempt ran elsewhere or was not reached): the report is written afresh."""
    written = [Path(path) for path in previous.get("written", [])]
    if not written or "body" not in previous or not all(path.is_file() for path in written):
        return None, "", []
    return written, str(previous["body"]), [str(label) for label in previous.get("reached", [])]
