"""E-mail over SMTP (plain, STARTTLS or SSL), attachments for report files."""

from __future__ import annotations

import mimetypes
import smtplib
from email.message import EmailMessage

import httpx

from azs_assistant.notify.registry import DeliveryError, Message, register
from azs_assistant.secrets import resolve_secret
from azs_assistant.settings import Settings


@register("email")
class EmailChannel:
    name = "email"

    def __init__(self, settings: Settings, http: httpx.Client | None = None) -> None:
        self.settings = settings

    def send(self, target: str, message: Message) -> None:
        cfg = self.settings
        if not cfg.smtp_host:
            raise DeliveryError("SMTP не настроен (AZS_SMTP_HOST)")
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = cfg.smtp_from, target, message.subject
        msg.set_content(message.body)
        for path in message.files:
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            main, sub = kind.split("/", 1)
            msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
        try:
            smtp_cls = smtplib.SMTP_SSL if cfg.smtp_security == "ssl" else smtplib.SMTP
            with smtp_cls(cfg.smtp_host, cfg.smtp_port, timeout=15) as smtp:
                if cfg.smtp_security == "starttls":
                    smtp.starttls()
                if cfg.smtp_user:
                    password = cfg.smtp_password.get_secret_value() if cfg.smtp_password else ""
                    smtp.login(cfg.smtp_user, resolve_secret(password) or "")
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {cfg.smtp_host}:{cfg.smtp_port}: {type(exc).__name__}: {exc}") from exc
