-- A restriction's request as the officer recorded it on the web pages: how it was received,
-- and when lifted, why and how that request was received (issue 13). Identity-side: shown to
-- the person in a subject access request, erased with them.
ALTER TABLE restriction ADD COLUMN received_how TEXT;
ALTER TABLE restriction ADD COLUMN lift_reason TEXT;
ALTER TABLE restriction ADD COLUMN lift_received_how TEXT;
