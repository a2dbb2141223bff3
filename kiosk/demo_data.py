"""A deterministic demo conference: ticket types, attendees, rooms, sessions and sign-ups.

Pure standard library (no database, no Flask). Each function seeds its own ``random.Random``
from a "purpose:seed" string, so the same arguments give the same output on every run and
machine, and the functions do not disturb each other's sequences.

Names: ``first_name`` holds given names and ``last_name`` the family name. An empty
``last_name`` means the whole name is in ``first_name``: mononyms ("Sutrisno") and names
written in Han, kana or Hangul, stored family name first exactly as written ("王小明").
Display a name as ``first_name`` alone when ``last_name`` is empty, else "first last".
"""

import random
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

EVENT_NAME = "Konferensi Nusantara 2026"
EVENT_TAGLINE = "Building the Digital Archipelago"
CODE_PREFIX = "KN26-"
ORGANISER = ("Yayasan Konferensi Nusantara", "konferensinusantara.id")


def _t(text: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


# --- Names. A group starts with "key weight% mail-domains [home] [cjk] [mono=share]
# [native=share]", then given names / family names [/ mononyms]. An entry "native=roman" is
# written natively for the native share of people, and the romanisation makes the email.
# "home" marks Indonesian groups; "cjk" stores family+given names in first_name, last_name "".
_NAME_TABLE = """
javanese 12 id home mono=0.2
    Budi, Sri, Agus, Dwi, Eko, Joko, Wahyu, Rina, Endang, Tri, Hadi, Retno, Bambang, Yuliani,
    Ari
    / Santoso, Wibowo, Susanto, Prasetyo, Hartono, Setiawan, Nugroho, Kusumawati, Purnomo,
    Wijaya, Suryadi, Handayani, Rahayu, Widodo, Hidayat
    / Sutrisno, Wagiman, Sumarni, Paijo, Sukirman, Suparmi, Darsono, Tukiyem, Mulyono,
    Sugiarto, Parmin, Ngatini, Slamet, Sukarmi
balinese 4 id home
    I Wayan, Ni Made, I Nyoman, Ni Ketut, I Gusti Ngurah, Ida Ayu, I Putu, Ni Luh, Anak Agung,
    I Komang
    / Sudarsana, Artawan, Suryawan, Widiastuti, Mahendra, Astiti, Wirawan, Pradnyani, Adnyana,
    Sukadana
sundanese 7 id home
    Asep, Ujang, Dede, Euis, Cecep, Yayan, Neng, Iis, Dadang, Acep, Rudi, Yanti, Encep, Nining
    / Sunarya, Permana, Kurniawan, Rahmat, Sukmana, Suhendar, Gunawan, Saepudin, Hermawan,
    Sopandi
batak 5 id home
    Togar, Maruli, Rohani, Tiurma, Parulian, Lamhot, Dame, Sahat, Rumondang, Horas, Ruth,
    Yosua
    / Siregar, Simanjuntak, Nasution, Hutapea, Sitompul, Pardede, Situmorang, Sihombing,
    Panjaitan, Harahap, Lubis, Simatupang, Tambunan, Manurung
minang 4 id home
    Rizal, Yusuf, Fauzi, Hendra, Rahmi, Fitri, Syafrudin, Zulkifli, Afrizal, Yeni, Nofri, Devi
    / Chaniago, Piliang, Koto, Tanjung, Sikumbang, Jambak, Sinaga, Datuak, Malik, Bachtiar
chinese-indonesian 5 id home
    Hendra, Lina, Kevin, Sherly, Felix, Jessica, Yohanes, Melissa, Steven, Angelina, Ricky,
    Olivia
    / Tanoto, Halim, Gunawan, Wijaya, Tanuwijaya, Salim, Lim, Tan, Hartanto, Susilo, Liem, Oey,
    Gozali, Kurniadi
indonesian 8 id home mono=0.08
    Muhammad, Ahmad, Siti, Nur, Fajar, Putri, Dimas, Ayu, Rizky, Annisa, Dian, Indah, Bayu,
    Nabila, Reza
    / Pratama, Saputra, Ramadhan, Lestari, Maharani, Hakim, Firmansyah, Kusuma, Rahman,
    Anggraini, Syahputra, Wulandari
    / Nurhayati, Wahyudi, Suryani, Haryanto, Mardiyah, Supriadi
vietnamese 3 vn-in
    Thị Minh Khai, Văn Hùng, Thị Lan, Minh Tuấn, Thu Hà, Đức Anh, Ngọc Ánh, Quốc Bảo,
    Thị Hương, Hoàng Long, Phương Linh, Thanh Tùng
    / Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Đặng, Bùi, Đỗ, Ngô
iberian 5 intl
    José, María, Jesús, Sofía, Andrés, Lucía, João, Conceição, Sebastián, Inês, Gonçalo,
    Begoña, Íñigo, Ramón
    / Ñúñez, García, Peña, Muñoz, Hernández, Gómez, Araújo, Gonçalves, Magalhães,
    Sánchez de la Peña, Fernández-Calvo, dos Santos, Ibáñez
irish 4 intl
    Siobhán, Seán, Aoife, Niamh, Ciarán, Pádraig, James, Emily, Oliver, Charlotte, Liam,
    Gráinne
    / O'Brien, O'Sullivan, O’Connor, McCarthy, D'Arcy, Kelly, Smith, Fitzgerald, Ní Bhriain,
    Walsh, Mac Giolla Phádraig, Brown
icelandic 1 intl
    Guðrún, Sigríður, Jón, Guðmundur, Þórunn, Ólafur, Björk, Einar, Ásdís, Hallgrímur
    / Guðmundsdóttir, Jónsson, Sigurðardóttir, Ólafsson, Þórsdóttir, Einarsson,
    Kristjánsdóttir, Hallgrímsson
german 4 de
    Jürgen, Sabine, Matthias, Anja, Wolfgang, Ursula, Jörg, Käthe, Lukas, Franziska,
    Maximilian, Stefanie
    / Müller, Schäfer, Weiß, Groß, Hoffmann, Krüger, Müller-Lüdenscheidt, Schmidt-Rottluff,
    Wolfeschlegelsteinhausen-Bergerdorff, von Hohenzollern-Sigmaringen-Schwarzenberg,
    Freiherr von Schönaich-Carolath-Beuthen-Blumenthal,
    Graf von Königsmarck-Oeynhausen-Hardenberg-Reventlow-Plessen
nordic 2 intl
    Søren, Bjørn, Åsa, Øystein, Kjersti, Mikael, Ingrid, Håkon, Linnéa, Mads
    / Jørgensen, Ødegård, Åberg, Sørensen, Hålland, Lindqvist, Bjørklund, Ångström, Nyström,
    Dahl
polish 2 intl
    Łukasz, Małgorzata, Paweł, Agnieszka, Wojciech, Katarzyna, Michał, Zofia, Grzegorz, Józef
    / Łukaszewicz, Wiśniewski, Kowalczyk, Szczęsny, Żółkiewska, Błaszczykowski, Nowak,
    Grzybowski, Przybyszewska, Chrząszcz
turkish 2 intl
    Işıl, Şükrü, Gülşen, Çağlar, Özge, Mehmet, Ayşe, İsmail, Ilgaz, Barış
    / Yılmaz, Şahin, Çelik, Öztürk, Aydın, Kılıç, Doğan, Güneş, Korkmaz, Yıldırım
chinese 4 zh cjk native=0.45
    小明=Xiaoming, 娜=Na, 伟=Wei, 洋=Yang, 静=Jing, 磊=Lei, 敏=Min, 志强=Zhiqiang, 杰=Jie,
    芳=Fang, 丽华=Lihua, 浩然=Haoran
    / 王=Wang, 李=Li, 张=Zhang, 刘=Liu, 陈=Chen, 杨=Yang, 赵=Zhao, 黄=Huang, 周=Zhou, 吴=Wu,
    徐=Xu, 欧阳=Ouyang
japanese 2 ja cjk native=0.4
    翔太=Shōta, 陽菜=Hina, 大輔=Daisuke, さくら=Sakura, 健=Ken, 美咲=Misaki, 拓海=Takumi,
    由美=Yumi, 悠真=Yūma
    / 佐藤=Satō, 鈴木=Suzuki, 高橋=Takahashi, 田中=Tanaka, 渡辺=Watanabe, 伊藤=Itō,
    山本=Yamamoto, 中村=Nakamura, 大野=Ōno
korean 2 ko cjk native=0.4
    민준=Min-jun, 서연=Seo-yeon, 지훈=Ji-hoon, 수빈=Su-bin, 현우=Hyun-woo, 지은=Ji-eun,
    도윤=Do-yoon, 하은=Ha-eun
    / 김=Kim, 이=Lee, 박=Park, 최=Choi, 정=Jung, 강=Kang, 조=Cho, 윤=Yoon
arabic 3 intl native=0.5
    محمد=Mohammed, أحمد=Ahmed, فاطمة=Fatima, عمر=Omar, ليلى=Layla, يوسف=Youssef, نور=Nour,
    خالد=Khaled, مريم=Maryam, سارة=Sara
    / العلي=Al-Ali, الحربي=Al-Harbi, المنصوري=Al-Mansouri, الشمري=Al-Shammari, حداد=Haddad,
    الخطيب=Al-Khatib, النجار=Al-Najjar, القحطاني=Al-Qahtani
indian 5 vn-in mono=0.05 native=0.3
    राहुल=Rahul, प्रिया=Priya, अमित=Amit, अनन्या=Ananya, विक्रम=Vikram, दीपिका=Deepika,
    अर्जुन=Arjun, स्नेहा=Sneha, Lakshmi, Karthik, Srinivasan
    / शर्मा=Sharma, वर्मा=Verma, गुप्ता=Gupta, पटेल=Patel, सिंह=Singh, जोशी=Joshi,
    Venkataraman, Subramanian, Krishnamurthy, Iyer, Reddy
    / Venkatesh, Kalaivani, Murugan, Senthil
nigerian 3 intl
    Chinedu, Ngozi, Oluwaseun, Adaeze, Babatunde, Funmilayo, Emeka, Yetunde, Abubakar, Aisha,
    Chiamaka, Ifeoluwa
    / Okonkwo, Adeyemi, Obi, Balogun, Eze, Okafor, Adebayo-Williams, Nwachukwu, Oyelaran,
    Ogunleye, Abdullahi, Chukwuemeka
filipino-malaysian 3 intl
    Maria Cristina, Juan Miguel, Jocelyn, Rodrigo, Angelica, Mark Anthony, Ma. Theresa,
    Rizalino, Nurul Izzah, Ahmad Faiz, Wei Ling, Darren
    / dela Cruz, Santos, Reyes, Bautista, Villanueva, Dimaculangan, de los Reyes,
    binti Abdullah, bin Hassan, Tan, Goh, Lim
thai 1 intl
    สมชาย, สุดารัตน์, วิชัย, กาญจนา, ประเสริฐ, นภัสสร
    / ใจดี, ศรีสุข, วงศ์สวัสดิ์, รัตนโกสินทร์, พงษ์แพทย์
anglo 3 intl
    Olivia, Jack, Chloe, Noah, Mia, Ethan, Zoë, Chloé, Ava, Mason, Renée, Hannah
    / Smith, Johnson, Williams, Anderson, Thompson, Martin, Lee, Taylor, White, Nguyen, Brooks
french 2 intl
    Amélie, François, Hélène, Jérôme, Cécile, Benoît, Zoé, Thérèse, Noël, Gaëlle
    / Lefèvre, Dubois, Rousseau, Girard, Moreau-Lévêque, Bénard, Lemaître, Béranger
dutch 2 intl
    Sanne, Joost, Femke, Pieter, Lotte, Bram, IJsbrand, Maarten
    / van der Berg, de Vries, van den Heuvel, Bakker, Jansen, 't Hooft, van Dijk, Oosterhuis
slavic 1 intl native=0.6
    Олена=Olena, Дмитрий=Dmitry, Анна=Anna, Сергей=Sergey, Наталья=Natalya, Андрій=Andriy
    / Коваленко=Kovalenko, Иванов=Ivanov, Смирнова=Smirnova, Шевченко=Shevchenko,
    Петров=Petrov
"""
_MAIL_DOMAINS = {
    "id": _t("gmail.com, gmail.com, gmail.com, yahoo.co.id, yahoo.com, ymail.com, outlook.co.id"),
    "intl": _t("gmail.com, gmail.com, outlook.com, icloud.com, proton.me, hotmail.com, yahoo.com"),
    "de": _t("gmx.de, web.de, gmail.com, t-online.de, posteo.de"),
    "zh": _t("qq.com, 163.com, gmail.com"),
    "ja": _t("yahoo.co.jp, gmail.com, gmail.com"),
    "ko": _t("naver.com, daum.net, gmail.com"),
    "vn-in": _t("gmail.com, gmail.com, yahoo.com.vn, rediffmail.com, yahoo.co.in"),
}


# --- Companies: "name=email domain" entries. Invented names; a few in their own script.
def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((item.partition("=")[0], item.partition("=")[2]) for item in _t(text, ";"))


_ID_COMPANIES = _pairs(
    "PT Nusantara Digital Solusi Tbk=nusantaradigital.co.id;"
    "PT Bank Rakyat Sejahtera Tbk=banksejahtera.co.id;"
    "PT Garuda Logistik Indonesia=garudalogistik.co.id;"
    "PT Telekomunikasi Archipelago Tbk=archipelagotel.co.id;"
    "PT Sumber Makmur Abadi=sumbermakmur.co.id;"
    "PT Cahaya Energi Terbarukan=cahayaenergi.co.id;"
    "PT Bumi Karya Konstruksi Tbk=bumikarya.co.id; PT Pasar Pintar Indonesia=pasarpintar.id;"
    "PT Dompet Rupiah Teknologi=dompetrupiah.id; PT Kopi Lereng Merapi=kopimerapi.id;"
    "PT Asuransi Jiwa Cendana=cendanalife.co.id; CV Maju Jaya Abadi=majujaya.co.id;"
    "Universitas Nusa Bangsa=unb.ac.id; Institut Teknologi Cendrawasih=itc.ac.id;"
    "Universitas Merapi Yogyakarta=umy-merapi.ac.id;"
    "Politeknik Negeri Samudra=polisamudra.ac.id;"
    "Kementerian Ekonomi Digital=kemenekdig.go.id; Badan Riset Digital Nasional=brdn.go.id;"
    "Dinas Pariwisata Provinsi Bali=dispar-bali.go.id;"
    "Pemerintah Kota Surakarta=pemkot-surakarta.go.id;"
    "Yayasan Pendidikan Pelita Harapan Bangsa=pelitabangsa.or.id;"
    "Koperasi Tani Makmur Sejahtera=tanimakmur.coop.id"
)
_INTL_COMPANIES = _pairs(
    "Meridian Analytics GmbH=meridian-analytics.de;"
    "Müller & Söhne Präzisionstechnik GmbH=mueller-soehne.de;"
    "Harbour & Finch LLP=harbourfinch.co.uk; Sakura Robotics K.K.=sakura-robotics.co.jp;"
    "株式会社みなと情報システム=minato-is.co.jp; Lotus Pay Pte. Ltd.=lotuspay.sg;"
    "Blue Kelp Systems Inc.=bluekelp.io; Fjordline Data AS=fjordlinedata.no;"
    "Grupo Solaris S.A.=gruposolaris.es; Aurora Bioinformatics Oy=aurorabio.fi;"
    "Công ty Phần mềm Tân Phát=tanphat.vn; Hanbit Semiconductor Co., Ltd.=hanbitsemi.co.kr;"
    "深圳云帆科技有限公司=yunfan-tech.cn; Almaza Ventures=almaza.ae;"
    "Lagos Fintech Hub Ltd=lagosfintech.ng; Kaveri Infotech Pvt. Ltd.=kaveriinfotech.in;"
    "University of Westmarch=westmarch.ac.uk; Technische Hochschule Rheinau=th-rheinau.de;"
    "Pacific Rim University=pru.edu.au; Universidad Autónoma del Sol=uasol.edu.mx;"
    "Institut Polytechnique de Lumière=ipl-lumiere.fr; Open Harbor Foundation=openharbor.org"
)
_NOTES = (
    "wheelchair user, seat reserved row A", "vegetarian", "vegetarian", "vegan", "press", "press",
    "halal meals", "hearing loop requested", "nut allergy, carries an EpiPen",
    "arriving late on Day 1", "BISINDO sign-language interpreter requested",
    "collecting the lanyard for a colleague", "photographer: issue a media vest",
)  # fmt: skip
_BLOCK_NOTES = (
    "See the organiser before entry",
    "Payment pending: send to the registration desk",
    "Name on booking does not match ID: check photo ID",
    "Duplicate booking under review: call head office",
)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FOLD_EXTRA = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "ð": "d", "Ð": "D",
     "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TicketType:
    """A ticket type; ``valid_days`` is None when the ticket is valid on every day."""

    name: str
    valid_days: tuple[int, ...] | None
    colour: str
    weight: float


@dataclass(frozen=True, slots=True)
class DemoAttendee:
    """One demo attendee; ``code`` is the QR text and ``block_note`` refuses entry."""

    attendee_id: str
    code: str
    first_name: str
    last_name: str
    email: str
    company: str
    ticket_type: str
    status: str
    note: str
    block_note: str


@dataclass(frozen=True, slots=True)
class DemoRoom:
    """A room at the venue with its seated capacity."""

    room_id: str
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class DemoSession:
    """One programme slot: a 1-based day, "HH:MM" times and speakers' display names."""

    session_id: str
    title: str
    day: int
    start: str
    end: str
    room_id: str
    track: str
    speakers: tuple[str, ...]


_FULL_TICKETS = (
    ("Attendee", "#2E7D32", 0.74),
    ("Speaker", "#C62828", 0.05),
    ("VIP", "#B8860B", 0.02),
    ("Sponsor", "#1565C0", 0.03),
    ("Exhibitor", "#EF6C00", 0.04),
    ("Staff", "#212121", 0.02),
)
_DAY_PASS_COLOURS = ("#00838F", "#6A1B9A", "#AD1457", "#4E342E", "#558B2F", "#283593", "#00695C")


def _check_days(days: int) -> None:
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")


def ticket_types(days: int = 3) -> tuple[TicketType, ...]:
    """Return the ticket types for an event of ``days`` days: six full tickets, a pass a day."""
    _check_days(days)
    full = tuple(TicketType(name, None, colour, weight) for name, colour, weight in _FULL_TICKETS)
    colours = _DAY_PASS_COLOURS
    passes = tuple(
        TicketType(f"Day Pass (Day {d})", (d,), colours[(d - 1) % len(colours)], 0.10 / days)
        for d in range(1, days + 1)
    )
    return full + passes


TICKET_TYPES: tuple[TicketType, ...] = ticket_types(3)


def ascii_fold(text: str) -> str:
    """Fold ``text`` to lower-case ASCII letters and digits, dropping everything else."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _rng(purpose: str, seed: int) -> random.Random:
    # A str seed is hashed with SHA-512 by random.Random: stable across runs and machines.
    return random.Random(f"kiosk-demo:{purpose}:{seed}")


def _pick(cum: list[float], r: float) -> int:
    """Index drawn by ``r`` in [0, 1) from cumulative weights ``cum``."""
    return min(bisect(cum, r * cum[-1]), len(cum) - 1)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _entries(text: str) -> tuple[tuple[str, str, str], ...]:
    """Parse "native=roman" entries into (roman, native, ascii key) triples."""
    out = []
    for item in _t(text):
        native, _, roman = item.partition("=")
        out.append((roman or native, native, ascii_fold(roman or native)))
    return tuple(out)


class _Group:
    """One naming tradition from _NAME_TABLE, with every name pre-folded for email."""

    def __init__(self, header: str, body: str) -> None:
        key, weight, mail, *flags = header.split()
        options = dict(flag.partition("=")[::2] for flag in flags)
        self.key, self.weight, self.mail = key, float(weight), _MAIL_DOMAINS[mail]
        self.indonesian, self.cjk = "home" in options, "cjk" in options
        self.mono_p = float(options.get("mono") or 0)
        self.native_p = float(options.get("native") or 0)
        firsts, lasts, monos = [*body.split("/"), "", ""][:3]
        self.firsts, self.lasts, self.monos = _entries(firsts), _entries(lasts), _entries(monos)

    def pick(self, rng: random.Random) -> tuple[str, str, str, str]:
        """Return (first_name, last_name, first key, last key) for one person."""
        if self.mono_p and rng.random() < self.mono_p:
            name, _, key = rng.choice(self.monos)
            return name, "", key, ""
        first, last = rng.choice(self.firsts), rng.choice(self.lasts)
        if self.native_p and rng.random() < self.native_p:
            if self.cjk:
                return last[1] + first[1], "", first[2], last[2]
            return first[1], last[1], first[2], last[2]
        return first[0], last[0], first[2], last[2]


@cache
def _groups() -> tuple[tuple[_Group, ...], list[float]]:
    groups, header, body = [], "", []
    for line in [*_NAME_TABLE.strip().splitlines(), "end"]:
        if line.startswith(" "):
            body.append(line.strip())
            continue
        if header:
            groups.append(_Group(header, " ".join(body)))
        header, body = line, []
    return tuple(groups), _cumulative([g.weight for g in groups])


@cache
def _code_pairs() -> tuple[str, ...]:
    return tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)


def _email_local(rng: random.Random, first: str, last: str, work: bool) -> str:
    if not first and not last:
        return f"guest{rng.randrange(1000, 100000)}"
    if not last or not first:
        name = first or last
        return name if rng.random() < 0.6 else f"{name}{rng.randrange(10, 100)}"
    r = rng.random()
    if work:
        return f"{first}.{last}" if r < 0.7 else f"{first[0]}{last}"
    if r < 0.35:
        return f"{first}.{last}"
    if r < 0.50:
        return f"{first}{last}"
    if r < 0.62:
        return f"{first[0]}{last}"
    if r < 0.68:
        return f"{first}_{last}"
    if r < 0.78:
        return f"{last}.{first}"
    if r < 0.90:
        return f"{first}.{last}{rng.randrange(70, 100)}"
    return f"{first}{rng.randrange(1, 1000)}"


def generate_attendees(n: int, seed: int, days: int = 3) -> Iterator[DemoAttendee]:
    """Yield ``n`` demo attendees for ``seed``; ids, codes and emails are unique in the run."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    _check_days(days)
    return _attendees(n, seed, days)


def _attendees(n: int, seed: int, days: int) -> Iterator[DemoAttendee]:
    rng = _rng("attendees", seed)
    rand, bits, choice = rng.random, rng.getrandbits, rng.choice
    groups, group_cum = _groups()
    tickets = ticket_types(days)
    ticket_cum = _cumulative([t.weight for t in tickets])
    pairs = _code_pairs()
    codes: set[str] = set()
    emails: set[str] = set()
    for _ in range(n):
        attendee_id = str(uuid.UUID(int=bits(128), version=4))
        while True:
            x = bits(40)
            code = f"{CODE_PREFIX}{pairs[x >> 30]}{pairs[(x >> 20) & 1023]}"
            code += f"{pairs[(x >> 10) & 1023]}{pairs[x & 1023]}"
            if code not in codes:
                codes.add(code)
                break
        group = groups[_pick(group_cum, rand())]
        first, last, first_key, last_key = group.pick(rng)
        ticket = tickets[_pick(ticket_cum, rand())].name
        r = rand()
        if ticket == "Staff":
            company, domain = ORGANISER
        elif r < 0.10 and ticket not in ("Sponsor", "Exhibitor"):
            company, domain = "", ""
        elif (r < 0.80) == group.indonesian:
            company, domain = choice(_ID_COMPANIES)
        else:
            company, domain = choice(_INTL_COMPANIES)
        work = bool(domain) and rand() < 0.65
        local = _email_local(rng, first_key, last_key, work)[:60]
        base = domain if work else choice(group.mail)
        email = f"{local}@{base}"
        suffix = 2
        while email in emails:
            email = f"{local}{suffix}@{base}"
            suffix += 1
        emails.add(email)
        status = "cancelled" if rand() < 0.03 else "valid"
        note = choice(_NOTES) if rand() < 0.02 else ""
        block_note = choice(_BLOCK_NOTES) if rand() < 0.002 else ""
        yield DemoAttendee(
            attendee_id, code, first, last, email, company, ticket, status, note, block_note
        )


_ROOMS = (
    ("ballroom", "Grand Ballroom Nusantara", 1200),
    ("melati", "Melati", 320),
    ("anggrek", "Anggrek", 260),
    ("kenanga", "Kenanga", 200),
    ("mawar", "Mawar", 150),
    ("cempaka", "Cempaka", 110),
    ("kamboja", "Kamboja", 60),
    ("teratai", "Teratai", 40),
)


def generate_rooms(seed: int) -> list[DemoRoom]:
    """Return the venue's rooms, largest first; capacities vary a little with ``seed``."""
    rng = _rng("rooms", seed)
    return [
        DemoRoom(room_id, name, max(20, round(capacity * rng.uniform(0.9, 1.1) / 10) * 10))
        for room_id, name, capacity in _ROOMS
    ]


_TRACK_TOPICS = {
    "AI & Data": _t("Retrieval-Augmented Generation, Bahasa Indonesia Language Models, MLOps,"
                    "Data Governance, Edge AI, Satellite Imagery Analytics, Synthetic Data"),
    "Cloud & Infrastructure": _t("Multi-Region Kubernetes, Data Centre Cooling, Observability,"
                                 "Offline-First Sync, Platform Engineering, Cost-Aware Cloud"),
    "Fintech & Payments": _t("QRIS Payments, Digital Lending, Fraud Detection, Sharia Fintech,"
                             "Cross-Border Remittances, Open Banking"),
    "Product & Design": _t("Super-App Design, Accessible Interfaces, Design Systems,"
                           "User Research in Rural Areas, Multilingual UX, Product Analytics"),
    "Security & Privacy": _t("Personal Data Protection Law Compliance, Zero Trust, Passkeys,"
                             "Incident Response, Supply-Chain Security, Threat Modelling"),
    "GovTech & Public Services": _t("Digital Identity, e-Government Services, Smart Cities,"
                                    "Disaster Early Warning, Open Government Data"),
    "Sustainability & Energy": _t("Geothermal Energy Data, Carbon Accounting, Smart Grids,"
                                  "Sustainable Fisheries Tech, Circular Logistics"),
    "Developer Experience": _t("Monorepos, Developer Portals, Testing at Scale, API Design,"
                               "Code Review Culture, Internal Tooling"),
}  # fmt: skip
_TALK_FORMATS = _t(
    "{}: Lessons from Production | Scaling {} Across 17,000 Islands | {} in Practice |"
    "What We Got Wrong About {} | {} for Emerging Markets | A Field Guide to {} |"
    "{}: Studi Kasus dari Indonesia | Membangun {} yang Andal | Beyond the Hype: {} |"
    "{} on a Startup Budget | The Next Five Years of {} | {} Without Breaking Production",
    "|",
)
_PANEL_FORMATS = _t("Panel: The Future of {}, Panel: {} in Southeast Asia, Diskusi Panel: {}")
_WORKSHOP_FORMATS = _t("Hands-on Workshop: {}, Workshop: Getting Started with {}, Lokakarya: {}")
_KEYNOTES = _t(
    "Keynote: Indonesia's Next Billion Transactions | Keynote: Building for 17,000 Islands |"
    "Keynote: Trust as Infrastructure | Keynote: AI That Speaks Bahasa Indonesia |"
    "Keynote: From Warung to Cloud | Fireside Chat: Founders of the Archipelago |"
    "Keynote: Offline-First for the Real World | Keynote: Digital Public Goods |"
    "Keynote: Resilient Systems in the Ring of Fire | Fireside Chat: Policy Meets Product",
    "|",
)
_HONORIFICS = _t("Dr., Prof. Dr., Ir., Dr. Ir.")
_DEGREES = _t("M.Sc., M.Kom., S.T. M.T., Ph.D., M.B.A.")
_TALK_SLOTS = (
    ("11:00", "11:40"), ("11:50", "12:30"), ("13:30", "14:10"),
    ("14:20", "15:00"), ("15:30", "16:10"), ("16:20", "17:00"),
)  # fmt: skip
_WORKSHOP_SLOTS = (("11:00", "12:30"), ("13:30", "15:00"), ("15:30", "17:00"))
BREAK_TRACK = "Break"


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


class _Titles:
    """Draws titles from a shuffled pool, adding "(Part N)" once the pool is used up."""

    def __init__(self, rng: random.Random, pool: list[str]) -> None:
        self.pool, self.used = pool, 0
        rng.shuffle(self.pool)

    def next(self) -> str:
        title = self.pool[self.used % len(self.pool)]
        rounds, self.used = self.used // len(self.pool), self.used + 1
        return f"{title} (Part {rounds + 1})" if rounds else title


class _Speakers:
    """A pool of speaker display names; nobody is booked into two overlapping sessions."""

    def __init__(self, rng: random.Random, size: int) -> None:
        groups, cum = _groups()
        self.rng, self.busy, self.names = rng, {}, []
        for _ in range(size):
            group = groups[_pick(cum, rng.random())]
            first, last, _, _ = group.pick(rng)
            name = f"{first} {last}" if last else first
            if group.indonesian and rng.random() < 0.3:
                name = f"{rng.choice(_HONORIFICS)} {name}, {rng.choice(_DEGREES)}"
            elif rng.random() < 0.15:
                name = f"Dr. {name}"
            self.names.append(name)

    def book(self, count: int, day: int, start: str, end: str) -> tuple[str, ...]:
        span, chosen = (day, _minutes(start), _minutes(end)), []
        for _ in range(count * 10):
            if len(chosen) == count:
                break
            name = self.rng.choice(self.names)
            taken = self.busy.setdefault(name, [])
            if name in chosen or any(_overlap(span, other) for other in taken):
                continue
            taken.append(span)
            chosen.append(name)
        return tuple(chosen)


def _overlap(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def generate_sessions(seed: int, days: int, rooms: list[DemoRoom]) -> list[DemoSession]:
    """Return the programme: plenaries in the largest room, parallel tracks, workshops."""
    _check_days(days)
    if not rooms:
        raise ValueError("at least one room is needed")
    if len({room.room_id for room in rooms}) != len(rooms):
        raise ValueError("room ids must be unique")
    rng = _rng("sessions", seed)
    ordered = sorted(rooms, key=lambda room: (-room.capacity, room.room_id))
    hall, rest = ordered[0].room_id, [room.room_id for room in ordered[1:]]
    workshops = rest[-2:] if len(rest) >= 4 else []
    breakouts = rest[: len(rest) - len(workshops)]
    topics = [topic for track in _TRACK_TOPICS.values() for topic in track]
    talks = {
        track: _Titles(rng, [f.format(t) for t in ts for f in _TALK_FORMATS])
        for track, ts in _TRACK_TOPICS.items()
    }
    panels = _Titles(rng, [f.format(t) for t in topics for f in _PANEL_FORMATS])
    workshop_titles = _Titles(rng, [f.format(t) for t in topics for f in _WORKSHOP_FORMATS])
    main_stage = _Titles(rng, [f.format(t) for t in topics for f in _TALK_FORMATS])
    keynotes = _Titles(rng, list(_KEYNOTES))
    speakers = _Speakers(rng, 20 + days * (len(breakouts) * 4 + 12))
    sessions: list[DemoSession] = []

    def add(day: int, room: str, start: str, end: str, title: str, track: str, n: int) -> None:
        session_id = f"d{day}-{room}-{start.replace(':', '')}"
        who = speakers.book(n, day, start, end) if n else ()
        sessions.append(DemoSession(session_id, title, day, start, end, room, track, who))

    for day in range(1, days + 1):
        if day == 1:
            opening = f"Opening Ceremony: Tari Pendet and Welcome to {EVENT_NAME}"
            add(day, hall, "08:30", "09:00", opening, "Plenary", 2)
        add(day, hall, "09:00", "09:45", keynotes.next(), "Keynote", 1)
        add(day, hall, "09:45", "10:30", keynotes.next(), "Keynote", rng.choice((1, 2)))
        for start, end in _TALK_SLOTS[:2] + _TALK_SLOTS[2:5]:
            add(day, hall, start, end, main_stage.next(), "Main Stage", 1)
        add(day, hall, "12:30", "13:30", "Lunch & Networking / Makan Siang", BREAK_TRACK, 0)
        add(day, hall, "16:20", "17:00", panels.next(), "Main Stage", 4)
        if day == days:
            add(day, hall, "17:10", "17:45", "Closing Ceremony & Awards", "Plenary", 2)
        else:
            add(day, hall, "17:10", "17:40", f"Day {day} Wrap-up", "Plenary", 1)
        if day == 1:
            add(day, hall, "19:00", "21:30", "Welcome Reception: Malam Nusantara", "Social", 0)
        tracks = list(_TRACK_TOPICS)
        rng.shuffle(tracks)
        for index, room in enumerate(breakouts):
            track = tracks[index % len(tracks)]
            slot = 0
            while slot < len(_TALK_SLOTS):
                start, end = _TALK_SLOTS[slot]
                if slot % 2 == 0 and rng.random() < 0.12:
                    end = _TALK_SLOTS[slot + 1][1]
                    add(day, room, start, end, panels.next(), track, rng.choice((3, 4)))
                    slot += 2
                    continue
                count = 2 if rng.random() < 0.15 else 1
                add(day, room, start, end, talks[track].next(), track, count)
                slot += 1
        for room in workshops:
            for start, end in _WORKSHOP_SLOTS:
                add(day, room, start, end, workshop_titles.next(), "Workshop", rng.choice((1, 2)))
    sessions.sort(key=lambda s: (s.day, s.start, s.room_id))
    return sessions


_TRACK_POPULARITY = {"Keynote": 8.0, "Plenary": 5.0, "Main Stage": 3.0, "Social": 4.0}
_WORKSHOP_POPULARITY = 0.6


def generate_registrations(
    seed: int, attendee_ids: list[str], sessions: list[DemoSession], per_attendee: int = 3
) -> Iterator[tuple[str, str]]:
    """Yield unique (session_id, attendee_id) sign-ups, ``per_attendee`` on average, no clashes."""
    if per_attendee < 0:
        raise ValueError(f"per_attendee must not be negative, got {per_attendee}")
    return _registrations(seed, attendee_ids, sessions, per_attendee)


def _registrations(
    seed: int, attendee_ids: list[str], sessions: list[DemoSession], per_attendee: int
) -> Iterator[tuple[str, str]]:
    rng = _rng("registrations", seed)
    rand = rng.random
    open_sessions = [s for s in sessions if s.track != BREAK_TRACK]
    if not open_sessions or per_attendee == 0:
        return
    weights = []
    for s in open_sessions:
        base = _TRACK_POPULARITY.get(s.track, _WORKSHOP_POPULARITY if s.track == "Workshop" else 1)
        hot = 8.0 if rand() < 0.08 else 1.0
        weights.append(base * hot * rng.lognormvariate(0.0, 0.6))
    cum = _cumulative(weights)
    spans = [(s.session_id, (s.day, _minutes(s.start), _minutes(s.end))) for s in open_sessions]
    spread = (-2, -1, -1, 0, 0, 0, 0, 1, 1, 2) if per_attendee >= 2 else (0,)
    for attendee_id in attendee_ids:
        wanted = min(per_attendee + spread[int(rand() * len(spread))], len(spans))
        chosen: list[tuple[int, int, int]] = []
        for _ in range(wanted * 6):
            if len(chosen) >= wanted:
                break
            session_id, span = spans[_pick(cum, rand())]
            if any(_overlap(span, other) for other in chosen):
                continue
            chosen.append(span)
            yield session_id, attendee_id
