"""The hard names a badge must survive, from everywhere the attendees come from."""

from __future__ import annotations

from printers.badge import Badge

GERMAN_60 = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenkasse"  # 60 letters

HARD = {
    "latin": Badge("José", "Ñúñez", "Acme Ibérica S.L.", "Speaker", "K1:7Q2M4XH3C5VB6N"),
    "vietnamese": Badge("Nguyễn Thị", "Minh Khai", "Công ty Phần mềm Đà Nẵng", "VIP", "K1:VN2345"),
    "cjk": Badge("小明", "王", "北京科技有限公司", "Attendee", "K1:CJK234", language="zh"),
    "japanese": Badge("はるか", "佐藤", "株式会社テスト", "Exhibitor", "K1:JA234"),
    "korean": Badge("민준", "김", "삼성전자", "Staff", "K1:KO234"),
    "arabic": Badge("محمد", "العلي", "شركة الاتصالات السعودية", "Sponsor", "K1:AR234"),
    "devanagari": Badge("अनुष्का", "शर्मा", "भारतीय प्रौद्योगिकी संस्थान", "Exhibitor", "K1:DV234"),
    "german60": Badge("Maximilian", GERMAN_60, "Deutsche Bahn AG", "Monday pass", "K1:DE234"),
    "indonesian": Badge(
        "Siti Nurhaliza binti Tarudin",
        "Wijayakusuma Adiningrat Purbonegoro",
        "Universitas Gadjah Mada",
        "Day 2",
        "K1:ID234",
    ),
    "mononym": Badge("Sukarno", "", "", "Press", "K1:MONO"),
}
assert len(GERMAN_60) == 60
