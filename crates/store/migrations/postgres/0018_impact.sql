-- The local impact evaluation (`hearth evaluate`): each report as published, that is with every
-- figure already through disclosure control (no family, person or small count is kept here).
CREATE TABLE impact_evaluation (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as_at         TEXT NOT NULL,
    made_at       TEXT NOT NULL,
    made_by       TEXT NOT NULL,
    rules_sha256  TEXT NOT NULL,
    report        TEXT NOT NULL   -- JSON: hearth_impact::Published
);
