"""Outgoing messages: e-mail (SMTP), Telegram (Bot API) and webhooks, one module per channel, each
registered under its name. Ticket notifications (``tickets.notify``) and scheduled reports send
through them; the Telegram bot uses the same Bot API client (``notify.telegram``)."""

from azs_assistant.notify import smtp, telegram, webhook  # noqa: F401 - each registers its channel
from azs_assistant.notify.registry import Channel, DeliveryError, Message, build_channels, channel_names, register

__all__ = ["Channel", "DeliveryError", "Message", "build_channels", "channel_names", "register"]
