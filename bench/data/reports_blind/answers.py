#!/usr/bin/env python
"""Blind evaluation set: report questions over /tmp/rw/incidents.csv.
Rerun:  python answers.py   -> writes reports.jsonl (conventions: CONVENTIONS.md)"""
import json, random
from datetime import date, timedelta
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path
import pandas as pd

HERE = Path(__file__).resolve().parent
df = pd.read_csv(HERE / "incidents.csv", dtype=str, keep_default_na=False)
df["occ"] = pd.to_datetime(df["occurred_at"])
df["res"] = pd.to_datetime(df["resolved_at"].replace("", None))
df["d"] = df["occ"].dt.date
df["sev"] = df["severity"].astype(int)
df["is_open"] = df["resolved_at"] == ""
df["month"] = df["occ"].dt.strftime("%Y-%m")
df = df.sort_values("occ", kind="stable").reset_index(drop=True)

TODAY = date(2026, 11, 23)  # Monday
WD = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
ALL_STATIONS = sorted(df.station_id.unique())
ALL_REGIONS = sorted(df.region.unique())
ALL_CATS = sorted(df.category.unique())
ALL_MONTHS = sorted(df.month.unique())


# ---------- periods (inclusive date ranges) ----------
def P(y1, m1, d1, y2, m2, d2):
    return (date(y1, m1, d1), date(y2, m2, d2))

def month(y, m):
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return (date(y, m, 1), min(nxt - timedelta(days=1), TODAY))

def quarter(y, q):
    s = date(y, 3 * q - 2, 1)
    e = month(y, 3 * q)[1]
    return (s, min(e, TODAY))

def year(y):
    return (date(y, 1, 1), min(date(y, 12, 31), TODAY))

def last_n(n):
    return (TODAY - timedelta(days=n - 1), TODAY)

ALL = None
THIS_MONTH = month(2026, 11)
LAST_MONTH = month(2026, 10)
THIS_Q = quarter(2026, 4)
LAST_Q = quarter(2026, 3)
THIS_Y = year(2026)
LAST_Y = year(2025)
LAST_WEEK = P(2026, 11, 16, 2026, 11, 22)
YESTERDAY = (TODAY - timedelta(days=1),) * 2
SAME_SPAN_LAST_Y = (date(2025, 1, 1), date(2025, 11, 23))


def st(n):
    return "АЗС-%03d" % n


# ---------- filter ----------
def F(period=None, cat=None, st=None, reg=None, sev_min=None, sev_eq=None,
      sev_max=None, status=None, night=False, weekdays=None):
    x = df
    if period is not None:
        x = x[(x.d >= period[0]) & (x.d <= period[1])]
    if cat is not None:
        x = x[x.category.isin([cat] if isinstance(cat, str) else cat)]
    if st is not None:
        x = x[x.station_id.isin([st] if isinstance(st, str) else st)]
    if reg is not None:
        x = x[x.region.isin([reg] if isinstance(reg, str) else reg)]
    if sev_min is not None:
        x = x[x.sev >= sev_min]
    if sev_max is not None:
        x = x[x.sev <= sev_max]
    if sev_eq is not None:
        x = x[x.sev == sev_eq]
    if status == "open":
        x = x[x.is_open]
    elif status == "closed":
        x = x[~x.is_open]
    if night:  # 23:00 <= t < 06:00
        h = x.occ.dt.hour
        x = x[(h >= 23) | (h < 6)]
    if weekdays is not None:
        x = x[x.occ.dt.day_of_week.isin(weekdays)]
    return x


def round_half_up_frac(fr):
    # exact half-up rounding of a Fraction to 0.1
    if fr is None:
        return None
    t = fr * 10
    n = t.numerator // t.denominator
    rem = t - n
    if rem >= Fraction(1, 2):
        n += 1
    return float(Decimal(n) / Decimal(10))


# ---------- answer builders ----------
def count(**f):
    return int(len(F(**f)))

def lst(**f):
    return list(F(**f).incident_id)

def keys_for(by, period):
    if by == "station_id":
        return ALL_STATIONS
    if by == "region":
        return ALL_REGIONS
    if by == "category":
        return ALL_CATS
    if by == "month":
        if period is None:
            return ALL_MONTHS
        s, e = period[0].strftime("%Y-%m"), period[1].strftime("%Y-%m")
        return [m for m in ALL_MONTHS if s <= m <= e]
    if by == "weekday":
        return WD
    raise ValueError(by)

def counts(by, **f):
    x = F(**f)
    if by == "weekday":
        c = x.occ.dt.day_of_week.map(lambda i: WD[i]).value_counts().to_dict()
    else:
        c = x[by].value_counts().to_dict()
    return {k: int(c.get(k, 0)) for k in keys_for(by, f.get("period"))}

LABEL = {"station_id": "stations", "region": "regions", "weekday": "weekdays", "month": "months"}

def leader(by, most=True, **f):
    c = counts(by, **f)
    v = max(c.values()) if most else min(c.values())
    ks = [k for k in c if c[k] == v]  # keys_for order: sorted / Monday..Sunday
    return {LABEL[by]: ks, "count": v}

def top(n, **f):
    c = counts("station_id", **f)
    items = sorted([(k, v) for k, v in c.items() if v > 0], key=lambda kv: (-kv[1], kv[0]))
    if len(items) <= n:
        return [list(kv) for kv in items]
    cut = items[n - 1][1]
    return [list(kv) for kv in items if kv[1] >= cut]

def group(by, **f):
    return counts(by, **f)

def mean_res(**f):
    x = F(**f)
    x = x[~x.is_open]
    if len(x) == 0:
        return None
    secs = sum(int((r - o).total_seconds()) for o, r in zip(x.occ, x.res))
    return round_half_up_frac(Fraction(secs, 3600 * len(x)))

def share_high(**f):
    x = F(**f)
    if len(x) == 0:
        return None
    return round_half_up_frac(Fraction(int((x.sev >= 3).sum()) * 100, len(x)))

def oldest_open(**f):
    f = dict(f, status="open")
    x = F(**f)
    if len(x) == 0:
        return None
    r = x.iloc[0]
    return {"incident_id": r.incident_id, "station_id": r.station_id}

def yoy(**f):
    cur = count(period=THIS_Y, **f)
    prev = count(period=SAME_SPAN_LAST_Y, **f)
    pct = round_half_up_frac(Fraction(cur - prev, prev) * 100) if prev else None
    return {"current": cur, "previous": prev, "change": cur - prev, "change_pct": pct}


FS, POS, EQ, PWR, THF, SAF, FQ, INJ = ("fuel_spill", "pos_failure", "equipment_failure",
    "power_outage", "theft_driveoff", "safety", "fuel_quality", "customer_injury")

Q = []
def q(kind, text, fn):
    Q.append((kind, text, fn))

# ===================== count_category =====================
q("count_category", "скока праливов было в октябре?", lambda: count(cat=FS, period=month(2026, 10)))
q("count_category", "сколько раз касса глючила на прошлой неделе", lambda: count(cat=POS, period=LAST_WEEK))
q("count_category", "драйв-оффов за последние 30 дней скока", lambda: count(cat=THF, period=last_n(30)))
q("count_category", "Добрый день! Подскажите, пожалуйста, сколько всего было отключений электроэнергии с начала года по всей сети?", lambda: count(cat=PWR, period=THIS_Y))
q("count_category", "свет вырубали скока раз в прошлом году", lambda: count(cat=PWR, period=LAST_Y))
q("count_category", "колонки ломались сколько раз за квартал", lambda: count(cat=EQ, period=THIS_Q))
q("count_category", "жалобы на качество топлива - сколько их вообще было за всё время?", lambda: count(cat=FQ))
q("count_category", "травмы клиентов в 2025 скока", lambda: count(cat=INJ, period=year(2025)))
q("count_category", "нарушения по пожарке/ТБ во 2 квартале, кол-во?", lambda: count(cat=SAF, period=quarter(2026, 2)))
q("count_category", "сколько проливов с 1 по 15 марта", lambda: count(cat=FS, period=P(2026, 3, 1, 2026, 3, 15)))
q("count_category", "сәлем, қанша драйв-офф в этом месяце было?", lambda: count(cat=THF, period=THIS_MONTH))
q("count_category", "сбои POS в прошлом квартале, число нужно", lambda: count(cat=POS, period=LAST_Q))
q("count_category", "отказов оборудования за лето скока набралось", lambda: count(cat=EQ, period=P(2026, 6, 1, 2026, 8, 31)))
q("count_category", "уехали не заплатив - сколько таких случаев за сентябрь и октябрь вместе?", lambda: count(cat=THF, period=P(2026, 9, 1, 2026, 10, 31)))
q("count_category", "how many fuel spills в 2026 году?", lambda: count(cat=FS, period=year(2026)))
q("count_category", "Коллеги, сколько у нас было проблем с кассами в прошлом месяце?", lambda: count(cat=POS, period=LAST_MONTH))
q("count_category", "за последние 7 дней по безопасности что-то было? сколько", lambda: count(cat=SAF, period=last_n(7)))
q("count_category", "ночью скока драйвоффов было за всё время", lambda: count(cat=THF, night=True))

# ===================== count_station =====================
q("count_station", "скока инцидентов на азс 5 в этом месяце", lambda: count(st=st(5), period=THIS_MONTH))
q("count_station", "на пятой за прошлый месяц сколько всего было?", lambda: count(st=st(5), period=LAST_MONTH))
q("count_station", "заправка №12 - сколько происшествий с начала года?", lambda: count(st=st(12), period=THIS_Y))
q("count_station", "АЗС-001 количество инцидентов за 3 квартал", lambda: count(st=st(1), period=quarter(2026, 3)))
q("count_station", "сколько драйв-оффов на азс 9 за всё время", lambda: count(st=st(9), cat=THF))
q("count_station", "на 7ке касса скока раз глючила в прошлом году", lambda: count(st=st(7), cat=POS, period=LAST_Y))
q("count_station", "азс№3 праливы за последние 90 дней", lambda: count(st=st(3), cat=FS, period=last_n(90)))
q("count_station", "по АЗС-011 сколько инцидентов в мае", lambda: count(st=st(11), period=month(2026, 5)))
q("count_station", "Сколько раз на второй заправке отключали свет?", lambda: count(st=st(2), cat=PWR))
q("count_station", "на азс 4 ночные инциденты скок за год", lambda: count(st=st(4), night=True, period=THIS_Y))
q("count_station", "азс 10 инциденты с 10 по 20 августа", lambda: count(st=st(10), period=P(2026, 8, 10, 2026, 8, 20)))
q("count_station", "АЗС-006 за прошлую неделю что-нибудь было? кол-во", lambda: count(st=st(6), period=LAST_WEEK))
q("count_station", "12-я заправка, серьёзные (3-4) инциденты за всё время скока", lambda: count(st=st(12), sev_min=3))

# ===================== count_region =====================
q("count_region", "скока инцидентов в Алматы за октябрь", lambda: count(reg="Алматы", period=month(2026, 10)))
q("count_region", "по Астане с начала года сколько", lambda: count(reg="Астана", period=THIS_Y))
q("count_region", "Караганда, проливы, 2025 год - сколько?", lambda: count(reg="Караганда", cat=FS, period=year(2025)))
q("count_region", "в Шымкенте касса глючит постоянно, скока раз за этот квартал?", lambda: count(reg="Шымкент", cat=POS, period=THIS_Q))
q("count_region", "Актобе за последние 60 дней кол-во инцидентов", lambda: count(reg="Актобе", period=last_n(60)))
q("count_region", "Сколько происшествий было в Атырау в прошлом квартале?", lambda: count(reg="Атырау", period=LAST_Q))
q("count_region", "Павлодар: сколько отключений света за всё время?", lambda: count(reg="Павлодар", cat=PWR))
q("count_region", "по алматы высокой серьёзности скока в этом году", lambda: count(reg="Алматы", sev_min=3, period=THIS_Y))
q("count_region", "в астане драйв-оффы в прошлом месяце скока", lambda: count(reg="Астана", cat=THF, period=LAST_MONTH))
q("count_region", "Қарағанды бойынша за ноябрь сколько инцидентов", lambda: count(reg="Караганда", period=month(2026, 11)))
q("count_region", "в Алматы и Астане вместе за 1 квартал сколько было?", lambda: count(reg=["Алматы", "Астана"], period=quarter(2026, 1)))

# ===================== count_period =====================
q("count_period", "скока всего инцидентов вчера", lambda: count(period=YESTERDAY))
q("count_period", "сколько инцидентов было на прошлой неделе по сети", lambda: count(period=LAST_WEEK))
q("count_period", "за месяц скока инцидентов", lambda: count(period=THIS_MONTH))
q("count_period", "общее кол-во инцидентов за квартал", lambda: count(period=THIS_Q))
q("count_period", "сколько всего за год?", lambda: count(period=THIS_Y))
q("count_period", "за прошлый год всего скока инцидентов зарегали", lambda: count(period=LAST_Y))
q("count_period", "с 1 по 15 июля сколько было инцидентов", lambda: count(period=P(2026, 7, 1, 2026, 7, 15)))
q("count_period", "за последние 14 дней сколько всего", lambda: count(period=last_n(14)))
q("count_period", "в феврале скока было", lambda: count(period=month(2026, 2)))
q("count_period", "сколько инцидентов в 4 квартале прошлого года", lambda: count(period=quarter(2025, 4)))
q("count_period", "позавчера что-то случалось? сколько инцидентов", lambda: count(period=(date(2026, 11, 21),) * 2))
q("count_period", "Сколько инцидентов произошло в выходные (сб-вс) в прошлом месяце?", lambda: count(period=LAST_MONTH, weekdays=[5, 6]))

# ===================== count_severity =====================
q("count_severity", "скока инцидентов высокой серьёзности в прошлом месяце", lambda: count(sev_min=3, period=LAST_MONTH))
q("count_severity", "severity 4 за всё время сколько", lambda: count(sev_eq=4))
q("count_severity", "сколько инцидентов с серьёзностью 1 в этом году", lambda: count(sev_eq=1, period=THIS_Y))
q("count_severity", "серьёзных (3 и выше) проливов за прошлый год скока", lambda: count(cat=FS, sev_min=3, period=LAST_Y))
q("count_severity", "инцидентов с уровнем 4 в этом квартале сколько?", lambda: count(sev_eq=4, period=THIS_Q))
q("count_severity", "сколько было инцидентов уровня серьёзности 2 в сентябре", lambda: count(sev_eq=2, period=month(2026, 9)))
q("count_severity", "высокая серьёзность за последние 30 дней - число", lambda: count(sev_min=3, period=last_n(30)))
q("count_severity", "низкой серьёзности (1-2) драйв-оффов с начала года сколько", lambda: count(cat=THF, sev_max=2, period=THIS_Y))

# ===================== count_status =====================
q("count_status", "скока сейчас открытых инцидентов", lambda: count(status="open"))
q("count_status", "сколько незакрытых по Алматы", lambda: count(status="open", reg="Алматы"))
q("count_status", "открытые проливы скока", lambda: count(status="open", cat=FS))
q("count_status", "сколько инцидентов за октябрь до сих пор не закрыто?", lambda: count(status="open", period=month(2026, 10)))
q("count_status", "сколько закрытых инцидентов в этом году", lambda: count(status="closed", period=THIS_Y))
q("count_status", "на азс 7 открытых скока висит", lambda: count(status="open", st=st(7)))
q("count_status", "сколько висит открытых с высокой серьёзностью", lambda: count(status="open", sev_min=3))
q("count_status", "за прошлый год сколько так и не закрыли?", lambda: count(status="open", period=LAST_Y))
q("count_status", "сколько решённых (закрытых) драйв-оффов за всё время", lambda: count(status="closed", cat=THF))
q("count_status", "кол-во нерешённых инцидентов по Караганде", lambda: count(status="open", reg="Караганда"))

# ===================== leader_station =====================
q("leader_station", "на какой азс больше всего инцидентов за всё время?", lambda: leader("station_id"))
q("leader_station", "на какой заправке больше всего праливов в этом году", lambda: leader("station_id", cat=FS, period=THIS_Y))
q("leader_station", "какая заправка лидирует по драйв-оффам в прошлом году", lambda: leader("station_id", cat=THF, period=LAST_Y))
q("leader_station", "на какой АЗС меньше всего инцидентов с начала года?", lambda: leader("station_id", most=False, period=THIS_Y))
q("leader_station", "самая проблемная заправка за прошлый месяц - какая?", lambda: leader("station_id", period=LAST_MONTH))
q("leader_station", "у какой станции больше всего сбоев кассы за всё время", lambda: leader("station_id", cat=POS))
q("leader_station", "где чаще всего вырубали свет? какая азс", lambda: leader("station_id", cat=PWR))
q("leader_station", "какая АЗС самая спокойная в 3 квартале, т.е. меньше всего происшествий", lambda: leader("station_id", most=False, period=quarter(2026, 3)))
q("leader_station", "на какой азс больше всего серьёзных инцидентов (3-4) за 2025", lambda: leader("station_id", sev_min=3, period=year(2025)))
q("leader_station", "лидер по ночным инцидентам среди заправок?", lambda: leader("station_id", night=True))

# ===================== leader_region =====================
q("leader_region", "какой регион самый проблемный за год", lambda: leader("region", period=THIS_Y))
q("leader_region", "в каком регионе меньше всего инцидентов за всё время?", lambda: leader("region", most=False))
q("leader_region", "в каком регионе больше всего отказов оборудования в прошлом квартале", lambda: leader("region", cat=EQ, period=LAST_Q))
q("leader_region", "какой город лидирует по проливам в 2025", lambda: leader("region", cat=FS, period=year(2025)))
q("leader_region", "регион с наибольшим числом открытых инцидентов?", lambda: leader("region", status="open"))
q("leader_region", "в каком регионе меньше всего драйв-оффов в этом году", lambda: leader("region", most=False, cat=THF, period=THIS_Y))
q("leader_region", "какой регион был впереди по инцидентам в октябре", lambda: leader("region", period=month(2026, 10)))

# ===================== leader_weekday =====================
q("leader_weekday", "в какой день недели больше всего инцидентов?", lambda: leader("weekday"))
q("leader_weekday", "в какой день недели чаще всего уезжают без оплаты", lambda: leader("weekday", cat=THF))
q("leader_weekday", "какой день недели самый спокойный в этом году", lambda: leader("weekday", most=False, period=THIS_Y))
q("leader_weekday", "по дням недели: когда чаще всего касса глючит?", lambda: leader("weekday", cat=POS))
q("leader_weekday", "в какой день недели больше всего проливов было за прошлый год", lambda: leader("weekday", cat=FS, period=LAST_Y))
q("leader_weekday", "на азс 1 в какой день недели чаще всего что-то случается", lambda: leader("weekday", st=st(1)))

# ===================== leader_month =====================
q("leader_month", "в каком месяце было больше всего инцидентов за всё время", lambda: leader("month"))
q("leader_month", "самый спокойный месяц в этом году, если брать с января по октябрь?", lambda: leader("month", most=False, period=P(2026, 1, 1, 2026, 10, 31)))
q("leader_month", "в каком месяце 2025 года больше всего драйв-оффов", lambda: leader("month", cat=THF, period=year(2025)))
q("leader_month", "когда больше всего проливов было, в каком месяце?", lambda: leader("month", cat=FS))
q("leader_month", "месяц с максимумом отключений света за прошлый год", lambda: leader("month", cat=PWR, period=LAST_Y))
q("leader_month", "в каком месяце этого года было больше всего серьёзных инцидентов", lambda: leader("month", sev_min=3, period=THIS_Y))

# ===================== top_stations =====================
q("top_stations", "топ-3 азс по количеству инцидентов за всё время", lambda: top(3))
q("top_stations", "топ 5 заправок по праливам", lambda: top(5, cat=FS))
q("top_stations", "дай топ-3 станций по драйв-оффам за этот год", lambda: top(3, cat=THF, period=THIS_Y))
q("top_stations", "top-5 АЗС по сбоям кассы в прошлом году pls", lambda: top(5, cat=POS, period=LAST_Y))
q("top_stations", "три самые проблемные заправки за прошлый квартал", lambda: top(3, period=LAST_Q))
q("top_stations", "пятёрка худших АЗС за прошлый месяц", lambda: top(5, period=LAST_MONTH))
q("top_stations", "какие 3 азс чаще всего сидели без света?", lambda: top(3, cat=PWR))
q("top_stations", "Сделайте, пожалуйста, рейтинг топ-5 станций по инцидентам высокой серьёзности с начала года", lambda: top(5, sev_min=3, period=THIS_Y))
q("top_stations", "топ3 по ночным происшествиям", lambda: top(3, night=True))
q("top_stations", "первые пять азс по отказам оборудования в 2025 году", lambda: top(5, cat=EQ, period=year(2025)))
q("top_stations", "топ-3 заправок где больше всего открытых инцидентов", lambda: top(3, status="open"))
q("top_stations", "топ 3 станции за последние 60 дней", lambda: top(3, period=last_n(60)))
q("top_stations", "топ-5 АЗС по инцидентам за первое полугодие 2026", lambda: top(5, period=P(2026, 1, 1, 2026, 6, 30)))

# ===================== group_station =====================
q("group_station", "разбивка инцидентов по азс за октябрь", lambda: group("station_id", period=month(2026, 10)))
q("group_station", "сколько праливов на каждой заправке за всё время", lambda: group("station_id", cat=FS))
q("group_station", "по станциям открытые инциденты, табличкой", lambda: group("station_id", status="open"))
q("group_station", "драйв-оффы по азс в этом году", lambda: group("station_id", cat=THF, period=THIS_Y))
q("group_station", "инциденты по каждой АЗС на прошлой неделе", lambda: group("station_id", period=LAST_WEEK))
q("group_station", "сводка по заправкам: высокая серьёзность за прошлый год", lambda: group("station_id", sev_min=3, period=LAST_Y))
q("group_station", "по всем АЗС кол-во инцидентов за последние 30 дней", lambda: group("station_id", period=last_n(30)))

# ===================== group_region =====================
q("group_region", "инциденты по регионам за этот квартал", lambda: group("region", period=THIS_Q))
q("group_region", "разбей по городам кол-во инцидентов с начала года", lambda: group("region", period=THIS_Y))
q("group_region", "по регионам сбои кассы за всё время", lambda: group("region", cat=POS))
q("group_region", "сколько в каждом регионе было отключений света в прошлом году", lambda: group("region", cat=PWR, period=LAST_Y))
q("group_region", "открытые по регионам", lambda: group("region", status="open"))
q("group_region", "по регионам за прошлый месяц, сколько где", lambda: group("region", period=LAST_MONTH))
q("group_region", "распределение серьёзных инцидентов по регионам в 2026", lambda: group("region", sev_min=3, period=year(2026)))

# ===================== group_category =====================
q("group_category", "разбивка по типам инцидентов за прошлый месяц", lambda: group("category", period=LAST_MONTH))
q("group_category", "по категориям за всё время", lambda: group("category"))
q("group_category", "что за инциденты были на азс 5 в этом году, по категориям", lambda: group("category", st=st(5), period=THIS_Y))
q("group_category", "по видам инцидентов в Шымкенте за прошлый год", lambda: group("category", reg="Шымкент", period=LAST_Y))
q("group_category", "категории открытых инцидентов, сколько каких", lambda: group("category", status="open"))
q("group_category", "типы инцидентов за прошлую неделю, сколько каждого", lambda: group("category", period=LAST_WEEK))
q("group_category", "структура ночных инцидентов по категориям", lambda: group("category", night=True))

# ===================== group_month =====================
q("group_month", "динамика инцидентов по месяцам в этом году", lambda: group("month", period=THIS_Y))
q("group_month", "по месяцам сколько было праливов за 2025", lambda: group("month", cat=FS, period=year(2025)))
q("group_month", "помесячно драйв-оффы за всё время", lambda: group("month", cat=THF))
q("group_month", "по месяцам инциденты на азс 1 с начала года", lambda: group("month", st=st(1), period=THIS_Y))
q("group_month", "инциденты по месяцам за 3 квартал", lambda: group("month", period=quarter(2026, 3)))
q("group_month", "помесячная статистика по Алматы за прошлый год", lambda: group("month", reg="Алматы", period=LAST_Y))

# ===================== mean_resolution =====================
q("mean_resolution", "среднее время закрытия инцидента в часах?", lambda: mean_res())
q("mean_resolution", "за скока часов в среднем устраняют проливы", lambda: mean_res(cat=FS))
q("mean_resolution", "среднее время решения сбоев кассы в этом году", lambda: mean_res(cat=POS, period=THIS_Y))
q("mean_resolution", "сколько часов в среднем закрывали инциденты в прошлом месяце", lambda: mean_res(period=LAST_MONTH))
q("mean_resolution", "среднее время устранения по Алматы", lambda: mean_res(reg="Алматы"))
q("mean_resolution", "в среднем скока часов чинили колонки (отказы оборудования) за прошлый год", lambda: mean_res(cat=EQ, period=LAST_Y))
q("mean_resolution", "Какое среднее время восстановления после отключения электроэнергии?", lambda: mean_res(cat=PWR))
q("mean_resolution", "средняя длительность инцидентов высокой серьёзности, часы", lambda: mean_res(sev_min=3))
q("mean_resolution", "на азс 5 среднее время закрытия за всё время", lambda: mean_res(st=st(5)))
q("mean_resolution", "MTTR по сети за 3 квартал, в часах", lambda: mean_res(period=quarter(2026, 3)))
q("mean_resolution", "сколько в среднем висят драйв-оффы до закрытия", lambda: mean_res(cat=THF))
q("mean_resolution", "средн. время решения в Караганде с начала года", lambda: mean_res(reg="Караганда", period=THIS_Y))
q("mean_resolution", "проблемы с качеством топлива - за сколько часов в среднем их решали?", lambda: mean_res(cat=FQ))

# ===================== share_high =====================
q("share_high", "какой процент инцидентов высокой серьёзности за всё время", lambda: share_high())
q("share_high", "доля серьёзных среди праливов?", lambda: share_high(cat=FS))
q("share_high", "% высокой серьёзности в этом году", lambda: share_high(period=THIS_Y))
q("share_high", "какая доля инцидентов в Астане высокой серьёзности", lambda: share_high(reg="Астана"))
q("share_high", "на азс 12 доля серьёзных инцидентов скока", lambda: share_high(st=st(12)))
q("share_high", "share high severity за прошлый квартал", lambda: share_high(period=LAST_Q))
q("share_high", "какой процент драйв-оффов был с серьёзностью 3-4 в прошлом году", lambda: share_high(cat=THF, period=LAST_Y))
q("share_high", "процент тяжёлых (высокой серьёзности) среди ночных инцидентов", lambda: share_high(night=True))
q("share_high", "доля высокой серьёзности за последние 90 дней", lambda: share_high(period=last_n(90)))
q("share_high", "Сколько процентов инцидентов в Шымкенте в 2025 году были высокой серьёзности?", lambda: share_high(reg="Шымкент", period=year(2025)))

# ===================== open_list =====================
q("open_list", "какие инциденты сейчас открыты? список", lambda: lst(status="open"))
q("open_list", "открытые по азс 1", lambda: lst(status="open", st=st(1)))
q("open_list", "незакрытые проливы покажи", lambda: lst(status="open", cat=FS))
q("open_list", "список открытых инцидентов высокой серьёзности", lambda: lst(status="open", sev_min=3))
q("open_list", "что висит открытым по Шымкенту?", lambda: lst(status="open", reg="Шымкент"))
q("open_list", "открытые инциденты за этот квартал", lambda: lst(status="open", period=THIS_Q))
q("open_list", "какие драйв-оффы до сих пор не закрыты", lambda: lst(status="open", cat=THF))
q("open_list", "незакрытые инциденты 2025 года - номера", lambda: lst(status="open", period=year(2025)))
q("open_list", "open tickets по Астане", lambda: lst(status="open", reg="Астана"))
q("open_list", "покажи открытые по кассам", lambda: lst(status="open", cat=POS))
q("open_list", "список незакрытых с начала года на АЗС-007", lambda: lst(status="open", st=st(7), period=THIS_Y))
q("open_list", "какие инциденты за последние 30 дней ещё открыты", lambda: lst(status="open", period=last_n(30)))

# ===================== list =====================
q("list", "покажи все инциденты на прошлой неделе", lambda: lst(period=LAST_WEEK))
q("list", "список праливов за октябрь", lambda: lst(cat=FS, period=month(2026, 10)))
q("list", "что было за последние 7 дней, списком", lambda: lst(period=last_n(7)))
q("list", "инциденты с серьёзностью 4 в этом месяце - список", lambda: lst(sev_eq=4, period=THIS_MONTH))
q("list", "травмы клиентов - дай список всех", lambda: lst(cat=INJ))
q("list", "жалобы на качество топлива в этом году, номера инцидентов", lambda: lst(cat=FQ, period=THIS_Y))
q("list", "драйв-оффы на азс 9 в этом году какие были", lambda: lst(cat=THF, st=st(9), period=THIS_Y))
q("list", "покажи инциденты на 11-й за сентябрь", lambda: lst(st=st(11), period=month(2026, 9)))

# ===================== oldest_open =====================
q("oldest_open", "самый старый открытый инцидент?", lambda: oldest_open())
q("oldest_open", "какой самый давний незакрытый по Алматы", lambda: oldest_open(reg="Алматы"))
q("oldest_open", "старейший открытый пролив", lambda: oldest_open(cat=FS))
q("oldest_open", "какой открытый инцидент висит дольше всех на азс 5", lambda: oldest_open(st=st(5)))
q("oldest_open", "самый давний открытый среди инцидентов высокой серьёзности", lambda: oldest_open(sev_min=3))
q("oldest_open", "который из открытых инцидентов этого года самый старый?", lambda: oldest_open(period=THIS_Y))

# ===================== yoy =====================
q("yoy", "сколько инцидентов в этом году vs прошлый", lambda: yoy())
q("yoy", "проливы: этот год против прошлого", lambda: yoy(cat=FS))
q("yoy", "драйв-оффов стало больше или меньше чем в прошлом году?", lambda: yoy(cat=THF))
q("yoy", "сравни кол-во инцидентов по Алматы с прошлым годом", lambda: yoy(reg="Алматы"))
q("yoy", "на азс 5 в этом году vs в прошлом, сколько инцидентов", lambda: yoy(st=st(5)))
q("yoy", "сбои кассы год к году", lambda: yoy(cat=POS))
q("yoy", "серьёзных инцидентов в этом году по сравнению с прошлым - больше или меньше?", lambda: yoy(sev_min=3))
q("yoy", "отключения света: 2026 против 2025 за тот же период", lambda: yoy(cat=PWR))
q("yoy", "Караганда YoY по инцидентам", lambda: yoy(reg="Караганда"))
q("yoy", "ночные инциденты год к году", lambda: yoy(night=True))


def build():
    rows = []
    for i, (kind, text, fn) in enumerate(Q, 1):
        rows.append({"id": "blind-r%03d" % i, "question": text, "answer": fn(), "kind": kind})
    # split once, seed 7, stratified by kind
    rng = random.Random(7)
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    toggle = 0
    for kind in sorted(by_kind):
        grp = by_kind[kind][:]
        rng.shuffle(grp)
        half = len(grp) // 2
        for j, r in enumerate(grp):
            r["split"] = "tuning" if j < half else "validation"
        if len(grp) % 2:
            grp[-1]["split"] = "tuning" if toggle == 0 else "validation"
            toggle ^= 1
    with open(HERE / "reports.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in ("id", "question", "answer", "kind", "split")},
                                ensure_ascii=False) + "\n")
    return rows


if __name__ == "__main__":
    rows = build()
    from collections import Counter
    print(len(rows), "questions;", len(set(r["question"] for r in rows)), "unique")
    print(Counter(r["kind"] for r in rows))
    print(Counter(r["split"] for r in rows))
