"""Webhooks: the message's JSON posted to a URL, signed with HMAC-SHA256 when a secret is set."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from azs_assistant.notify.registry import DeliveryError, Message, register
from azs_assistant.secrets import resolve_secret
from azs_assistant.settings import Settings


@register("webhook")
class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: Settings, http: httpx.Client) -> None:
        self.settings = settings
        self.http = http

    def send(self, target: str, message: Message) -> None:
        data = message.payload if message.payload is not None else {"subject": message.subject, "text": message.body}
        payload = json.dumps(data, ensure_ascii=False).encode()
        headers = {"content-type": "application/json"}
        if self.settings.webhook_secret:
            key = resolve_secret(self.settings.webhook_secret.get_secret_value()) or ""
            headers["x-azs-signature"] = "sha256=" + hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()
        try:
            response = self.http.post(target, content=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook {target}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise DeliveryError(f"webhook {target} ответил {response.status_code}")
