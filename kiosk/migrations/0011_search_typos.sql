-- One typo in a name: every folded name word of 4+ letters under itself, and every word of 5+
-- letters under each form with one letter dropped ("smith" under mith, sith, smth, smih, smit).
-- A typed word of 5+ letters looks up itself and its own one-letter-dropped forms here: a
-- letter missing, one too many, one wrong or two swapped all meet on a shared key, in a few
-- B-tree probes. Derived from `search_word` (kiosk.search keeps both in step).

CREATE TABLE search_typo (
    key  TEXT NOT NULL,                                 -- a name word, or it less one letter
    word TEXT NOT NULL,                                 -- the name word (in search_word)
    PRIMARY KEY (key, word)
) WITHOUT ROWID;

WITH RECURSIVE words (word) AS (
    SELECT DISTINCT word FROM search_word WHERE length(word) >= 4
), cut (word, i) AS (
    SELECT word, 1 FROM words WHERE length(word) >= 5
    UNION ALL
    SELECT word, i + 1 FROM cut WHERE i < length(word)
)
INSERT OR IGNORE INTO search_typo (key, word)
SELECT word, word FROM words
UNION ALL
SELECT substr(word, 1, i - 1) || substr(word, i + 1), word FROM cut;
