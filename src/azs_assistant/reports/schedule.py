"""Scheduled reports: answer the standing questions, write one file per format, and deliver the files
by e-mail and Telegram. The command that repeats it (`azs report schedule`) only parses and prints."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from azs_assistant.errors import InvalidInput
from azs_assistant.reports import render

if TYPE_CHECKING:
    from azs_assistant.reports.service import Reports
    from azs_assistant.tickets.notify import Notifier


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
