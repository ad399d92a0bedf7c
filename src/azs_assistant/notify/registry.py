"""The channel contract and the registry channels add themselves to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from azs_assistant.settings import Settings


class DeliveryError(Exception):
    """A channel could not deliver; the message says why (no secrets in it)."""


@dataclass(frozen=True)
class Message:
    """What is sent: plain text (customer text is data, never markup), optional files, the ticket
    number a Telegram «Принято» button acknowledges, and the JSON a webhook posts."""

    subject: str
    body: str
    files: Sequence[Path] = ()
    ack: str | None = None
    payload: dict[str, Any] | None = field(default=None)


class Channel(Protocol):
    name: str

    def send(self, target: str, message: Message) -> None:
        """Deliver to one target (an address, a chat, a URL) or raise ``DeliveryError``."""


ChannelFactory = Callable[[Settings, httpx.Client], Channel]
_FACTORIES: dict[str, ChannelFactory] = {}


def register(name: str) -> Callable[[ChannelFactory], ChannelFactory]:
    def add(factory: ChannelFactory) -> ChannelFactory:
        if name in _FACTORIES:
            raise ValueError(f"a second notification channel named {name}")
        _FACTORIES[name] = factory
        return factory

    return add


def channel_names() -> tuple[str, ...]:
    return tuple(_FACTORIES)


def build_channels(settings: Settings, http: httpx.Client) -> dict[str, Channel]:
    """Every registered channel, configured from the settings and sharing one HTTP client."""
    return {name: factory(settings, http) for name, factory in _FACTORIES.items()}
