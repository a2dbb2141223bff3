-- Name words in a B-tree, for type-ahead on one or two letters: "a" matches tens of thousands
-- of people at a large event, too many to rank with FTS5 in a keystroke's time, while a range
-- scan over sorted words answers in well under a millisecond. Derived from `attendee`.

CREATE TABLE search_word (
    word TEXT NOT NULL,                                 -- one folded word of the name
    id   INTEGER NOT NULL,                              -- attendee.id
    PRIMARY KEY (word, id)
) WITHOUT ROWID;
CREATE INDEX search_word_id ON search_word (id);

INSERT INTO search_word (word, id)
SELECT DISTINCT j.value, f.rowid FROM attendee_fts f, json_each('["' || replace(f.name, ' ', '","') || '"]') j
WHERE f.name != '';
