"""Staff search: prefixes, accents, transliteration, punctuation, scripts without spaces."""

import sqlite3

import pytest

from kiosk.desk import search
from kiosk.desk.textfold import fold, fold_variants


@pytest.mark.parametrize(("text", "folded"), [
    ("José Ñúñez", "jose nunez"),
    ("Guðmundsdóttir", "gudmundsdottir"),
    ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
    ("O'Brien", "obrien"),
    ("O’Brien", "obrien"),
    ("Łukasz Żółć", "lukasz zolc"),
    ("王小明", "wang xiao ming"),
    ("김민준", "gim min jun"),  # Hangul syllable by syllable, in Revised Romanization
    ("박지성", "bak ji seong"),
    ("きょうこ", "kyouko"),  # kana as one word, in Hepburn
    ("ヤマダ・タロウ", "yamada tarou"),
    ("さっぽろ まっちゃ", "sapporo matcha"),
])  # fmt: skip
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_variants_keep_the_parts_of_joined_words() -> None:
    assert fold_variants("O'Brien").split() == ["obrien", "o", "brien"]
    assert set(fold_variants("Jean-Luc").split()) >= {"jeanluc", "jean", "luc"}


def ids(db: sqlite3.Connection, query: str) -> list[str]:
    return [row["attendee_id"] for row in search.find(db, query)]


@pytest.mark.parametrize(("query", "expected"), [
    ("jose", "a-jose"),
    ("JOSÉ ñú", "a-jose"),
    ("nguyen", "a-nguyen"),
    ("Nguyễn", "a-nguyen"),
    ("obrien", "a-obrien"),
    ("o'brien", "a-obrien"),
    ("brien", "a-obrien"),
    ("gudmunds", "a-gudrun"),
    ("王", "a-wang"),
    ("小明", "a-wang"),
    ("محمد", "a-arab"),
    ("العلي", "a-arab"),
    ("siobhan@dub", "a-obrien"),
    ("trinity", "a-obrien"),
    ("kn-gudm01", "a-gudrun"),
    ("sukarno", "a-sukarno"),
])  # fmt: skip
def test_finds(db: sqlite3.Connection, query: str, expected: str) -> None:
    assert expected in ids(db, query)


def test_prefix_of_every_word_must_match(db: sqlite3.Connection) -> None:
    assert ids(db, "jose nunez") == ["a-jose"]
    assert ids(db, "jose ruiz") == ["a-josefina"]  # jose is a prefix of Josefina
    assert ids(db, "jose xyz") == []


def test_name_match_ranks_before_company_match(db: sqlite3.Connection, node) -> None:
    from kiosk.db import transaction

    with transaction(db):
        node.record(
            db,
            "attendee_upsert",
            "a-trinity-co",
            {
                "fields": {
                    "code": "KN-TRIN01",
                    "first_name": "Mary",
                    "last_name": "Trinity",
                    "company": "X",
                }
            },
        )
    # "trinity" is Mary's surname and O'Brien's company: the name hit comes first.
    assert ids(db, "trinity")[:2] == ["a-trinity-co", "a-obrien"]


def test_exact_code_comes_first(db: sqlite3.Connection) -> None:
    assert ids(db, "KN-JOSE02")[0] == "a-josefina"


def test_nothing_to_search(db: sqlite3.Connection) -> None:
    assert ids(db, "") == [] and ids(db, " '-. ") == [] and ids(db, "🙂") == []


@pytest.mark.parametrize(("query", "letters"), [
    ('"', ""), ("*", ""), ("jose OR", "jose or"), ("NEAR(", "near"), ("a AND", "a and"),
    ("-x", "x"), ("^j", "j"),
])  # fmt: skip
def test_fts_syntax_is_not_interpreted(db: sqlite3.Connection, query: str, letters: str) -> None:
    # Quotes, stars and operators typed by staff are only punctuation: the query finds exactly
    # whom its letters find, never everyone and never an error.
    assert ids(db, query) == ids(db, letters)
    assert ids(db, query) == {"-x": ["a-wang"], "^j": ["a-josefina", "a-jose", "a-wang"]}.get(
        query, []
    )


def test_limit(db: sqlite3.Connection) -> None:
    assert len(search.find(db, "a", limit=3)) <= 3
    assert len(search.find(db, "a", limit=10_000)) <= search.MAX_LIMIT


def test_edit_updates_the_index(db: sqlite3.Connection, node) -> None:
    from kiosk.db import transaction
    from kiosk.desk import attendees

    with transaction(db):
        attendees.update(db, node, "a-josefina", {"last_name": "Ruíz-Ortega"})
    assert ids(db, "ortega") == ["a-josefina"]
    assert "a-josefina" in ids(db, "ruiz")


def test_broad_prefix_uses_name_words_in_order(db: sqlite3.Connection, monkeypatch) -> None:
    # At a large event "s" matches thousands: then names are listed by word, exact word first.
    monkeypatch.setattr(search, "RANK_AT_MOST", 1)
    found = ids(db, "s")
    assert found[:3] == ["a-obrien", "a-siti", "a-sukarno"]  # Siobhán, Siti, Sukarno
    assert ids(db, "sukarno") == ["a-sukarno"]
    assert ids(db, "KN-SITI01")[0] == "a-siti"  # an exact code still comes first
    assert "a-gudrun" in ids(db, "hi")  # a broad e-mail or company prefix still finds people


def test_name_words_follow_edits(db: sqlite3.Connection, node, monkeypatch) -> None:
    from kiosk.db import transaction
    from kiosk.desk import attendees

    monkeypatch.setattr(search, "RANK_AT_MOST", 0)
    with transaction(db):
        attendees.update(db, node, "a-siti", {"first_name": "Zahra"})
    assert ids(db, "zah") == ["a-siti"]
    words = {
        w
        for (w,) in db.execute(
            "SELECT word FROM search_word JOIN attendee USING (id) WHERE attendee_id = 'a-siti'"
        )
    }
    assert words == {"zahra", "nurhaliza"}  # the old first name is gone from the index


# -- Korean and Japanese names, as people type them --------------------------------------------

EAST_ASIAN = {
    "a-minjun": {"first_name": "민준", "last_name": "김"},
    "a-jisung": {"first_name": "박지성", "last_name": ""},  # the whole name in one field
    "a-seoyeon": {"first_name": "서연", "last_name": "이"},
    "a-namgung": {"first_name": "남궁민", "last_name": ""},
    "a-park-latin": {"first_name": "Ji-hoon", "last_name": "Park"},
    "a-yuko": {"first_name": "ゆうこ", "last_name": "おおの"},
    "a-kyoko": {"first_name": "キョウコ", "last_name": "ホンマ"},
    "a-taro": {"first_name": "太郎 (Taro)", "last_name": "山田 Yamada"},
}


@pytest.fixture
def east_asian(db: sqlite3.Connection, node) -> None:
    from kiosk.db import transaction

    with transaction(db):
        for n, (attendee_id, fields) in enumerate(EAST_ASIAN.items()):
            node.record(db, "attendee_upsert", attendee_id,
                        {"fields": {"code": f"KN-EA{n:03d}", **fields}})  # fmt: skip


@pytest.mark.usefixtures("east_asian")
@pytest.mark.parametrize(("query", "expected"), [
    ("kim", "a-minjun"), ("gim", "a-minjun"), ("kim minjun", "a-minjun"),
    ("Kim Min-jun", "a-minjun"), ("minjun kim", "a-minjun"), ("김민준", "a-minjun"),
    ("park", "a-jisung"), ("bak", "a-jisung"), ("park jiseong", "a-jisung"),
    ("lee", "a-seoyeon"), ("yi seoyeon", "a-seoyeon"), ("rhee", "a-seoyeon"),
    ("namgung", "a-namgung"), ("namkung min", "a-namgung"),
    ("bak", "a-park-latin"), ("pak jihoon", "a-park-latin"),  # a Latin Park is a Bak too
    ("yuko", "a-yuko"), ("yuuko", "a-yuko"), ("ono", "a-yuko"), ("ohno yuko", "a-yuko"),
    ("ゆうこ", "a-yuko"), ("kyoko", "a-kyoko"), ("homma", "a-kyoko"), ("honma kyouko", "a-kyoko"),
    ("yamada taro", "a-taro"),  # kanji carry no reading: the Latin part of the name does
])  # fmt: skip
def test_finds_korean_and_japanese_names_as_typed(
    db: sqlite3.Connection, query: str, expected: str
) -> None:
    assert expected in ids(db, query)


@pytest.mark.usefixtures("east_asian")
def test_korean_surname_spellings_find_only_that_surname(db: sqlite3.Connection) -> None:
    assert ids(db, "kim") == ["a-minjun"]
    assert sorted(ids(db, "park")) == ["a-jisung", "a-park-latin"]


# -- one typo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("josefna", "a-josefina"),  # a letter missing
    ("josefinaa", "a-josefina"),  # one too many
    ("josefima", "a-josefina"),  # one wrong
    ("jsoefina", "a-josefina"),  # two swapped
    ("nurhalisa", "a-siti"),
    ("siti nurhalisa", "a-siti"),
    ("sukrano", "a-sukarno"),
])  # fmt: skip
def test_one_typo_in_a_long_word_still_finds(
    db: sqlite3.Connection, query: str, expected: str
) -> None:
    assert ids(db, query) == [expected]


def test_typos_are_not_forgiven_in_short_words_or_twice(db: sqlite3.Connection) -> None:
    assert ids(db, "sitj") == []  # four letters: too many names are one typo from it
    assert ids(db, "josfna") == []  # two typos
    assert ids(db, "nurhalisa zzz") == []  # every word still has to match


def test_exact_matches_come_before_typo_matches(db: sqlite3.Connection, node) -> None:
    from kiosk.db import transaction

    with transaction(db):
        node.record(db, "attendee_upsert", "a-josefine",
                    {"fields": {"code": "KN-JOSE09", "first_name": "Josefine"}})  # fmt: skip
    assert ids(db, "josefina") == ["a-josefina", "a-josefine"]
    assert ids(db, "josefine") == ["a-josefine", "a-josefina"]


def test_typo_keys_follow_edits(db: sqlite3.Connection, node) -> None:
    from kiosk.db import transaction
    from kiosk.desk import attendees

    with transaction(db):
        attendees.update(db, node, "a-sukarno", {"first_name": "Soekarno"})
    assert ids(db, "soekarmo") == ["a-sukarno"]
    assert ids(db, "sukarmo") == []  # the old name is gone from the typo keys too
    assert not db.execute("SELECT 1 FROM search_typo WHERE word = 'sukarno'").fetchall()


def test_migration_derives_typo_keys_as_the_index_does(db: sqlite3.Connection) -> None:
    # A database from before typo keys gets them from its name words, the same rows
    # kiosk.search writes for new names.
    from kiosk.db import migrations

    sql = next(text for version, _, text in migrations() if version == 11)
    expected = sorted(
        set(search.typo_rows({w for (w,) in db.execute("SELECT word FROM search_word")}))
    )
    db.execute("DROP TABLE search_typo")
    db.executescript(sql)
    assert [
        tuple(r) for r in db.execute("SELECT key, word FROM search_typo ORDER BY 1, 2")
    ] == expected
