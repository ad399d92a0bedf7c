"""Users, API keys and web sessions, with the audit log of every change.

Passwords: argon2id (argon2-cffi defaults). Repeated failures make the address they come from wait
a growing time (1, 2, 4 … 60 minutes after the fifth) before it may try that account again; the
account itself is closed only after many more failures from all addresses (``auth.throttle``).
API keys and session tokens carry 128+ bits of randomness, so a SHA-256 of them is enough at rest;
they are shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from azs_assistant.auth import throttle
from azs_assistant.auth.principal import Principal, clean_roles
from azs_assistant.errors import Conflict, InvalidInput, NotFound, Unauthorized
from azs_assistant.stations import Stations
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import ApiKey, AuditEvent, TelegramLink, User, WebSession, utcnow

SESSION_IDLE = timedelta(hours=12)
SESSION_MAX = timedelta(days=7)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def _refuse_if_throttled(throttled: throttle.Throttled | None) -> None:
    if throttled is None:
        return
    minutes = int(throttled.wait.total_seconds() // 60) + 1
    where = "в эту учётную запись" if throttled.everywhere else "с вашего адреса"
    where_en = "to this account" if throttled.everywhere else "from your address"
    where_kk = "бұл есептік жазбаға кіру" if throttled.everywhere else "сіздің мекенжайыңыздан кіру"
    raise Unauthorized(f"Слишком много неудачных попыток: вход {where} закрыт ещё на {minutes} мин.",
                       f"Too many failed sign-ins: signing in {where_en} is closed for {minutes} more min.",
                       message_kk=f"Сәтсіз әрекеттер тым көп: {where_kk} тағы {minutes} минутқа жабылды.",
                       retry_after=minutes * 60)


def principal_of(user: User, csrf: str | None = None) -> Principal:
    return Principal(user.username, "user", frozenset(user.roles), frozenset(user.stations), frozenset(user.regions),
                     user.department, user.id, csrf, user.language)


def _end_sessions(s: Any, user: User, keep: str | None = None) -> int:
    """End the person's browser sessions but ``keep`` (a token); how many ended."""
    query = select(WebSession).where(WebSession.user_id == user.id)
    if keep:
        query = query.where(WebSession.id != _sha(keep))
    ended = 0
    for session in s.scalars(query):
        s.delete(session)
        ended += 1
    return ended


def _check_reach(roles: list[str], stations: list[str], regions: list[str]) -> None:
    """An operator or a manager works for stations: one given none saw an empty site and could record nothing,
    and the admin who made them was not told."""
    if "admin" not in roles and {"operator", "manager"} & set(roles) and not stations and not regions:
        raise InvalidInput("Оператору и руководителю нужна хотя бы одна АЗС или регион («*» — все).",
                           "An operator or a manager needs at least one station or region («*» for all).",
                           field="stations",
                           message_kk="Операторға және басшыға кемінде бір ЖҚС немесе өңір керек («*» — барлығы).")


def _keep_an_admin(s: Any, user: User, actor: Principal | str) -> None:
    """Refuse a change that leaves ``user`` no admin when they are the one making it, or the last active admin."""
    if isinstance(actor, Principal) and actor.name == user.username:
        raise Conflict("Нельзя отключить себя или снять с себя роль администратора: это сделает другой администратор.",
                       "You cannot disable yourself or take the admin role from yourself: another admin can.",
                       message_kk="Өзіңізді өшіруге немесе өзіңізден әкімші рөлін алуға болмайды: мұны басқа әкімші "
                                  "жасайды.")
    admins = [u for u in s.scalars(select(User).where(User.disabled == 0)) if "admin" in (u.roles or [])]
    if [u.id for u in admins] == [user.id]:
        raise Conflict(f"{user.username} — последний администратор: сначала назначьте другого.",
                       f"{user.username} is the last administrator: make another one first.",
                       message_kk=f"{user.username} — соңғы әкімші: алдымен басқа әкімшіні тағайындаңыз.")


class Access:
    def __init__(self, db: Database, stations: Stations | None = None,
                 departments: Callable[[], Collection[str]] | None = None) -> None:
        from argon2 import PasswordHasher

        self.db = db
        self.stations = stations or Stations(db)
        self.hasher = PasswordHasher()
        self.departments = departments  # the routing file's department codes, where the desk is configured

    def _check_department(self, department: str | None) -> None:
        """A department the routing file does not know routes nothing to its person (an IT walk gave a support
        person «nosuchdept» and it was taken)."""
        known = self.departments() if department and self.departments is not None else None
        if known is not None and department not in known:
            names = ", ".join(sorted(known))
            raise InvalidInput(f"Отдела «{department}» нет в правилах маршрутизации; есть: {names}.",
                               f"There is no department “{department}” in the routing rules; there are: {names}.",
                               field="department",
                               message_kk=f"Бағыттау ережелерінде «{department}» бөлімі жоқ; бары: {names}.")

    # -- audit ----------------------------------------------------------------------------
    def audit(self, actor: Principal | str, action: str, target: str | None = None,
              details: dict[str, Any] | None = None, ip: str | None = None) -> None:
        name, kind = (actor.name, actor.kind) if isinstance(actor, Principal) else (actor, "system")
        with self.db.session() as s:
            s.add(AuditEvent(at=utcnow(), actor=name[:200], actor_kind=kind, action=action[:60],
                             target=(target or "")[:500] or None, details=details or {}, ip=ip))

    def audit_search(self, *, actor: str | None = None, action: str | None = None, text: str | None = None,
                     since: datetime | None = None, limit: int = 200, offset: int = 0,
                     exact: bool = False) -> list[AuditEvent]:
        """Audit events, latest first: ``action`` is a prefix («ticket.»), or with ``exact`` the one action («login»,
        not «login.failed»)."""
        query = select(AuditEvent)
        if actor:
            query = query.where(AuditEvent.actor == actor)
        # autoescape: a % or _ in the filter is that character, not a LIKE wildcard
        if action and exact:
            query = query.where(AuditEvent.action == action)
        elif action:
            query = query.where(AuditEvent.action.startswith(action, autoescape=True))
        if since:
            query = query.where(AuditEvent.at >= since)
        if text:
            query = query.where(AuditEvent.target.contains(text, autoescape=True))
        with self.db.session() as s:
            return list(s.scalars(query.order_by(AuditEvent.id.desc()).offset(offset).limit(min(limit, 5000))))

    # -- users ----------------------------------------------------------------------------
    def count_users(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(User)) or 0)

    def add_user(self, username: str, password: str | None, roles: list[str], *, stations: list[str] | None = None,
                 regions: list[str] | None = None, department: str | None = None, display_name: str | None = None,
                 actor: Principal | str = "cli") -> User:
        username = username.strip().lower()
        if not username or len(username) > 100 or not username.replace(".", "").replace("_", "").replace("-", "")\
                .isalnum():
            raise InvalidInput("Логин: буквы, цифры, точка, дефис, подчёркивание (до 100).",
                               "Username: letters, digits, dot, hyphen, underscore (up to 100).",
                               message_kk="Логинде тек әріптер, цифрлар, нүкте, дефис және астыңғы сызық болуы "
                                          "мүмкін (100 таңбаға дейін).")
        if password is not None:
            self._check_password(password)
        stations, regions = self.stations.check_scope(stations, regions)
        _check_reach(clean_roles(roles), stations, regions)
        self._check_department(department)
        user = User(username=username, display_name=display_name, roles=clean_roles(roles),
                    stations=stations, regions=regions,
                    department=department, language="ru", disabled=0, failed_logins=0,
                    password_hash=self.hasher.hash(password) if password else None,
                    created_at=utcnow(), updated_at=utcnow())
        with self.db.session() as s:
            if s.scalar(select(User).where(User.username == username)):
                raise Conflict(f"Пользователь {username} уже есть.", f"User {username} already exists.",
                               message_kk=f"{username} пайдаланушысы бұрыннан бар.")
            s.add(user)
        self.audit(actor, "user.add", username, {"roles": user.roles, "stations": user.stations,
                                                 "regions": user.regions, "department": department})
        return user

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < 10 or len(password) > 200:
            raise InvalidInput("Пароль — от 10 до 200 символов.", "Password must be 10–200 characters.",
                               message_kk="Құпиясөз 10–200 таңбадан тұруы керек.")

    def get_user(self, username: str) -> User:
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username.strip().lower()))
            if user is None:
                raise NotFound(f"Пользователь {username} не найден.", f"User {username} not found.",
                               message_kk=f"{username} пайдаланушысы табылмады.")
            return user

    def list_users(self) -> list[User]:
        with self.db.session() as s:
            return list(s.scalars(select(User).order_by(User.username)))

    def update_user(self, username: str, *, actor: Principal | str = "cli", roles: list[str] | None = None,
                    stations: list[str] | None = None, regions: list[str] | None = None,
                    department: str | None = None, disabled: bool | None = None, password: str | None = None,
                    telegram_chat_id: str | None = None, ip: str | None = None) -> User:
        """A person's roles, scope, department, state, password or Telegram link. An admin neither disables
        themselves nor takes the admin role from themselves, and the last active admin stays one: a slip would leave
        nobody to repair it but the command line. A new password, like disabling, ends the person's sessions and
        unlinks their Telegram chat (a password reset because it leaked must lock the other side out)."""
        changes: dict[str, Any] = {}
        if stations is not None or regions is not None:
            checked_stations, checked_regions = self.stations.check_scope(stations, regions)
        new_roles = clean_roles(roles) if roles is not None else None
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.username == username.strip().lower()))
            if user is None:
                raise NotFound(f"Пользователь {username} не найден.", f"User {username} not found.",
                               message_kk=f"{username} пайдаланушысы табылмады.")
            loses_admin = "admin" in user.roles and not user.disabled and (
                bool(disabled) or (new_roles is not None and "admin" not in new_roles))
            if loses_admin:
                _keep_an_admin(s, user, actor)
            if new_roles is not None:
                user.roles = changes["roles"] = new_roles
            if stations is not None:
                user.stations = changes["stations"] = checked_stations
            if regions is not None:
                user.regions = changes["regions"] = checked_regions
            if department is not None:
                if department and department != user.department:  # one kept from before stays editable around
                    self._check_department(department)
                user.department = changes["department"] = department or None
            if disabled is not None:
                user.disabled = int(disabled)
                changes["disabled"] = disabled
                if disabled:  # signed-in browsers lose access at once
                    _end_sessions(s, user)
            if password is not None:
                self._check_password(password)
                user.password_hash = self.hasher.hash(password)
                user.failed_logins, user.locked_until = 0, None
                changes["password"] = "changed"
                changes["sessions_ended"] = _end_sessions(s, user)
                if user.telegram_chat_id and telegram_chat_id is None:
                    user.telegram_chat_id, changes["telegram"] = None, "unlinked"
            if telegram_chat_id is not None:
                user.telegram_chat_id = telegram_chat_id or None
                changes["telegram"] = "linked" if telegram_chat_id else "unlinked"
            if new_roles is not None or stations is not None or regions is not None:  # not on disabling a person
                _check_reach(user.roles, user.stations, user.regions)                # saved before the rule
            user.updated_at = utcnow()
        self.audit(actor, "user.update", username, changes, ip)
        return user

    # -- login and sessions ---------------------------------------------------------------
    def login(self, username: str, password: str, ip: str | None = None) -> tuple[str, Principal]:
        """A new session token for valid credentials. Repeated failures throttle the address they
        come from (and, far later, the account): see ``auth.throttle``."""
        now = utcnow()
        account = (username or "").strip().lower()[:100]
        generic = Unauthorized("Неверный логин или пароль.", "Wrong username or password.",
                               message_kk="Логин немесе құпиясөз қате.")
        with self.db.session() as s:
            _refuse_if_throttled(throttle.check(s, account, ip, now))
            user = s.scalar(select(User).where(User.username == account))
            if user is None or user.disabled or not user.password_hash:
                self.hasher.hash("timing-equaliser")  # as slow as a real check
                self.audit(account or "?", "login.failed", account, {"reason": "unknown or disabled"}, ip)
                raise generic
            try:
                self.hasher.verify(user.password_hash, password or "")
            except Exception:
                self._failed(s, user, ip)
                raise generic from None
            if self.hasher.check_needs_rehash(user.password_hash):
                user.password_hash = self.hasher.hash(password)
            user.failed_logins, user.locked_until = 0, None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            s.add(WebSession(id=_sha(token), user_id=user.id, csrf=csrf, created_at=now, expires_at=now + SESSION_MAX,
                             last_seen_at=now))
            principal = principal_of(user, csrf)
        self.audit(principal, "login", principal.name, {}, ip)
        return token, principal

    def _failed(self, s: Any, user: User, ip: str | None, **why: str) -> None:
        """A wrong password for ``user``: counted since the last success, from anywhere, and audited (the throttle
        reads the audit log). Committed first, so the refusal that follows keeps it."""
        user.failed_logins += 1
        s.commit()
        self.audit(user.username, "login.failed", user.username, {"failures": user.failed_logins, **why}, ip)

    def change_password(self, who: Principal, current: str, new: str, *, keep: str | None = None,
                        ip: str | None = None) -> None:
        """A signed-in person's own new password, given their current one. Their other sessions end and their
        Telegram chat is unlinked (a password changed because it leaked must lock the other side out); ``keep``,
        this browser's token, stays. A wrong current password counts as a failed sign-in, so it cannot be guessed
        here past the login's throttle."""
        self._check_password(new)
        now = utcnow()
        with self.db.session() as s:
            _refuse_if_throttled(throttle.check(s, who.name, ip, now))
            user = s.scalar(select(User).where(User.username == who.name))
            if user is None or user.disabled or not user.password_hash:
                raise NotFound(f"Пользователь {who.name} не найден.", f"User {who.name} not found.",
                               message_kk=f"{who.name} пайдаланушысы табылмады.")
            try:
                self.hasher.verify(user.password_hash, current or "")
            except Exception:
                self._failed(s, user, ip, reason="password change")
                raise InvalidInput("Текущий пароль указан неверно: пароль не изменён.",
                                   "The current password is wrong: the password was not changed.",
                                   message_kk="Қазіргі құпиясөз қате енгізілді: құпиясөз өзгертілмеді.",
                                   field="current") from None
            user.password_hash = self.hasher.hash(new)
            user.failed_logins, user.locked_until, user.updated_at = 0, None, now
            ended = _end_sessions(s, user, keep)
            unlinked = bool(user.telegram_chat_id)  # a chat linked with the old password may not be the owner's
            user.telegram_chat_id = None
        self.audit(who, "user.password", who.name, {"sessions_ended": ended, "telegram_unlinked": unlinked}, ip)

    def session_principal(self, token: str) -> Principal | None:
        now = utcnow()
        with self.db.session() as s:
            session = s.get(WebSession, _sha(token))
            if session is None:
                return None
            if _aware(session.expires_at) < now or _aware(session.last_seen_at) < now - SESSION_IDLE:
                s.delete(session)
                return None
            user = s.get(User, session.user_id)
            if user is None or user.disabled:
                return None
            if now - _aware(session.last_seen_at) > timedelta(minutes=1):
                session.last_seen_at = now
            return principal_of(user, session.csrf)

    def logout(self, token: str, who: Principal | None = None, ip: str | None = None) -> None:
        """End a web session (and record who signed out, when known)."""
        with self.db.session() as s:
            session = s.get(WebSession, _sha(token))
            if session is not None:
                s.delete(session)
        if who is not None:
            self.audit(who, "logout", who.name, {}, ip)

    def audit_export(self, who: Principal, *, actor: str | None = None, action: str | None = None,
                     text: str | None = None, ip: str | None = None) -> list[AuditEvent]:
        """The audit log for a download (up to 5,000 entries); the download is itself recorded first."""
        self.audit(who, "audit.export", text or "", {"actor": actor, "action": action}, ip)
        return self.audit_search(actor=actor, action=action, text=text, limit=5000)

    # -- API keys -------------------------------------------------------------------------
    def create_key(self, name: str, roles: list[str], *, stations: list[str] | None = None,
                   regions: list[str] | None = None, department: str | None = None, rate_per_minute: int = 600,
                   actor: Principal | str = "cli") -> tuple[str, ApiKey]:
        if rate_per_minute < 0:  # a negative rate meant no limit at all, silently (0 says so: no limit)
            raise InvalidInput(f"Лимит запросов ключа — число запросов в минуту (0 — без лимита), а не "
                               f"{rate_per_minute}.", f"A key's rate is requests a minute (0: no limit), not "
                               f"{rate_per_minute}.", message_kk=f"Кілттің сұрау шегі — минутына сұрау саны (0 — "
                               f"шексіз), {rate_per_minute} емес.", field="rate_per_minute")
        stations, regions = self.stations.check_scope(stations, regions)
        self._check_department(department)  # a key of «customer_servce» saw no ticket, as a person would not
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        key = f"azs_{prefix}_{secret}"
        row = ApiKey(prefix=prefix, key_hash=_sha(key), name=name.strip()[:200] or prefix, roles=clean_roles(roles),
                     stations=stations, regions=regions, department=department, rate_per_minute=rate_per_minute,
                     created_by=actor.name if isinstance(actor, Principal) else actor, created_at=utcnow())
        with self.db.session() as s:
            s.add(row)
        self.audit(actor, "apikey.create", f"{row.name} ({prefix})", {"roles": row.roles, "stations": row.stations,
                                                                      "regions": row.regions})
        return key, row

    def list_keys(self) -> list[ApiKey]:
        with self.db.session() as s:
            return list(s.scalars(select(ApiKey).order_by(ApiKey.id)))

    def revoke_key(self, prefix: str, actor: Principal | str = "cli") -> ApiKey:
        """Revoke a key by its prefix, or by the whole key pasted (it is read for its prefix and never said back:
        «Ключ azs_68a6db63_yaS1… не найден» put the secret in the terminal's history)."""
        parts = prefix.strip().split("_")
        if len(parts) >= 3 and parts[0] == "azs":
            prefix = parts[1]
        with self.db.session() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.prefix == prefix.strip()))
            if row is None:
                raise NotFound(f"Ключ {prefix} не найден.", f"Key {prefix} not found.",
                               message_kk=f"{prefix} кілті табылмады.")
            row.revoked_at = row.revoked_at or utcnow()
        self.audit(actor, "apikey.revoke", f"{row.name} ({prefix})")
        return row

    def key_principal(self, key: str) -> tuple[Principal, int] | None:
        """The key's principal and its per-minute rate, or None for an unknown or revoked key."""
        parts = key.strip().split("_")
        if len(parts) < 3 or parts[0] != "azs":
            return None
        with self.db.session() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
            if row is None or row.revoked_at is not None or not secrets.compare_digest(row.key_hash, _sha(key.strip())):
                return None
            now = utcnow()
            if row.last_used_at is None or now - _aware(row.last_used_at) > timedelta(minutes=1):
                row.last_used_at = now
            return (Principal(f"key:{row.name}", "key", frozenset(row.roles), frozenset(row.stations),
                              frozenset(row.regions), row.department), row.rate_per_minute)

    # -- Telegram -------------------------------------------------------------------------
    def telegram_code(self, who: Principal) -> str:
        """A one-time code (10 minutes) the user sends to the bot as /link CODE."""
        if who.user_id is None:
            raise InvalidInput("Привязать Telegram можно только к учётной записи пользователя.",
                               "Telegram can be linked only to a user account.",
                               message_kk="Telegram-ды тек пайдаланушының есептік жазбасына байланыстыруға болады.")
        code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
        with self.db.session() as s:
            s.add(TelegramLink(code_hash=_sha(code), user_id=who.user_id, expires_at=utcnow() + timedelta(minutes=10)))
        return code

    def link_telegram(self, code: str, chat_id: str) -> User:
        with self.db.session() as s:
            link = s.get(TelegramLink, _sha(code.strip().upper()))
            if link is None or _aware(link.expires_at) < utcnow():
                raise InvalidInput("Код не подходит или устарел: получите новый в веб-интерфейсе («Профиль»).",
                                   "The code is wrong or expired: get a new one in the web interface (Profile).",
                                   message_kk="Код жарамсыз немесе мерзімі өткен: веб-интерфейстегі «Профиль» "
                                              "бетінен жаңа код алыңыз.")
            user = s.get(User, link.user_id)
            s.delete(link)
            if user is None or user.disabled:
                raise InvalidInput("Учётная запись отключена.", "User disabled.",
                                   message_kk="Есептік жазба өшірілген.")
            for other in s.scalars(select(User).where(User.telegram_chat_id == chat_id, User.id != user.id)):
                other.telegram_chat_id = None  # one chat, one user
            user.telegram_chat_id = chat_id
        self.audit(user.username, "telegram.link", user.username, {"chat": chat_id})
        return user

    def telegram_principal(self, chat_id: str) -> Principal | None:
        with self.db.session() as s:
            user = s.scalar(select(User).where(User.telegram_chat_id == chat_id, User.disabled == 0))
            return principal_of(user) if user else None
