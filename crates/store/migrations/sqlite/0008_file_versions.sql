-- File versions (issue 14): a partner's re-sent file supersedes its earlier batch.
--  * row_fingerprints: a short hash of each row's parsed values (16 hex digits a row, sorted,
--    no separator), so that a re-saved copy (LF for CRLF, one row corrected) is recognised by
--    its rows, not only by its bytes. NULL for batches imported before this migration.
--  * superseded_by: the batch that replaced this one (`hearth import --replace`). Its records,
--    identities and quarantined rows were deleted in the same transaction; the batch row stays
--    as the history of what was imported and when.
ALTER TABLE import_batch ADD COLUMN row_fingerprints TEXT;
ALTER TABLE import_batch ADD COLUMN superseded_by INTEGER;
