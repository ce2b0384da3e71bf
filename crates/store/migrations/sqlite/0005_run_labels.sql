-- Labels for keys that come from a council's own configuration, kept with the data they
-- describe so that pages show the council's words rather than a built-in list:
--  * each import batch keeps its source's name for people (the mapping's `name`, e.g.
--    "Police"), when the mapping gives one;
--  * each identification run keeps the titles of the rules' headline problems and the
--    names of the sources its evidence came from, as a JSON object
--    {"problems": {key: {"label": short, "title": long}}, "sources": {key: name}}.
ALTER TABLE import_batch ADD COLUMN source_name TEXT;
ALTER TABLE identification_run ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
