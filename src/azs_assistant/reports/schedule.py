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

from azs_assistant.errors import InvalidInput
from azs_assistant.reports import render

if TYPE_CHECKING:
    from azs_assistant.jobs import JobContext
    from azs_assistant.jobs.schedule import Schedule, StoredSchedules
    from azs_assistant.reports.service import Reports
    from azs_assistant.tickets.notify import Notifier

log = logging.getLogger("azs.reports")
REPORT_JOB = "reports.scheduled"


@dataclass
class ScheduledRun:
    """What one round wrote and whom it reached; ``failed`` says, in Russian, what was not delivered."""

    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    sent: int = 0
    delivered: bool = False  # any recipients were asked for


def parse_formats(formats: str) -> list[str]:
    """``pdf,xlsx`` → the export formats, refusing unknown ones."""
    kinds = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in kinds if f not in render.EXPORT_FORMATS]
    if bad or not kinds:
        raise InvalidInput(f"Форматы {', '.join(bad) or '—'} не поддерживаются.", f"Bad formats {bad}.")
    return kinds


class ReportSchedule:
    """Standing questions, the formats to write, the folder and the recipients of one schedule."""

    def __init__(self, reports: Reports, notifier: Notifier, questions: Sequence[str], formats: str, out_dir: Path,
                 *, emails: Sequence[str] = (), telegrams: Sequence[str] = ()) -> None:
        self.reports, self.notifier = reports, notifier
        self.questions, self.kinds, self.out_dir = list(questions), parse_formats(formats), out_dir
        self.emails, self.telegrams = list(emails), list(telegrams)

    def run_once(self) -> ScheduledRun:
        """Write this round's files (charts only where the report has one), then deliver them."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        run, texts = ScheduledRun(), []
        for i, question in enumerate(self.questions, start=1):
            report = self.reports.ask(question)
            texts.append(f"{question}\n{report.text}")
            slug = re.sub(r"[^\w]+", "_", question.lower())[:50].strip("_") or f"report{i}"
            for kind in self.kinds:
                if kind in ("png", "svg") and not render.has_chart(report.result):
                    continue
                path = self.out_dir / f"{stamp}_{slug}.{kind}"
                path.write_bytes(render.export(report.result, kind, question))
                run.written.append(path)
        if self.emails or self.telegrams:
            run.delivered = True
            run.failed = self.notifier.send_files(
                f"Отчёт по инцидентам {datetime.now():%d.%m.%Y}", "\n\n".join(texts), run.written,
                emails=self.emails, telegrams=self.telegrams)
            unreached = {problem.split(":")[0] for problem in run.failed}
            run.sent = len(self.emails) + len(self.telegrams) - len(unreached)
        return run


class ScheduledReports:
    """The use cases of scheduled reports: register one (stored, so every runner picks it up), run one now,
    and the job that runs a registered one each period."""

    def __init__(self, reports: Reports, notifier: Callable[[], Notifier],
                 schedules: Callable[[], StoredSchedules]) -> None:
        self.reports, self._notifier, self._schedules = reports, notifier, schedules

    def build(self, questions: Sequence[str], formats: str, out_dir: Path, *, emails: Sequence[str] = (),
              telegrams: Sequence[str] = ()) -> ReportSchedule:
        """One schedule's work, checked: questions the parser understands (or the LLM may), known formats."""
        from azs_assistant.reports.parse import ReportUnclear

        if not [q for q in questions if q.strip()]:
            raise InvalidInput("Нужен хотя бы один вопрос для отчёта.", "At least one question is needed.")
        for question in questions:
            try:
                self.reports.parse(question)
            except ReportUnclear as unclear:
                if self.reports.llm is None:
                    raise self.reports.example_for(unclear, None) from None
        return ReportSchedule(self.reports, self._notifier(), questions, formats, out_dir, emails=emails,
                              telegrams=telegrams)

    def register(self, actor: object, name: str, every_s: float, questions: Sequence[str], formats: str,
                 out_dir: Path, *, emails: Sequence[str] = (), telegrams: Sequence[str] = ()) -> Schedule:
        """Store the schedule under ``name`` (replacing one of that name); ``out_dir`` is made absolute, as the
        job runs in another process (the folder is on the machine of the runner that takes the job)."""
        self.build(questions, formats, out_dir, emails=emails, telegrams=telegrams)
        payload = {"questions": list(questions), "formats": formats, "out_dir": str(out_dir.resolve()),
                   "emails": list(emails), "telegrams": list(telegrams)}
        return self._schedules().put(actor, name, REPORT_JOB, every_s, payload)

    def run_job(self, ctx: JobContext) -> dict[str, Any]:
        """The job of one period: write the files, deliver them; what was written and sent is its result."""
        p = ctx.payload
        schedule = self.build(p["questions"], p["formats"], Path(p["out_dir"]), emails=p.get("emails", ()),
                              telegrams=p.get("telegrams", ()))
        log.info("отчёт по расписанию «%s»: вопросов %d", p.get("schedule", "—"), len(schedule.questions))
        run = schedule.run_once()
        for path in run.written:
            log.info("отчёт записан: %s", path)
        for problem in run.failed:
            log.warning("отчёт не доставлен: %s", problem)
        return {"written": [str(path) for path in run.written], "failed": run.failed, "sent": run.sent}
