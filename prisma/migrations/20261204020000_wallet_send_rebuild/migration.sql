-- A built send that can never be mined (its inputs were spent by another transaction, confirmed
-- deeper than a reorg could undo) is built again, once per dead build. The dead build stays on the
-- row as evidence ("<hash> <why>" lines in dead_builds, only ever appended), and the key images of
-- the current build are kept to tell. A built transaction is still never replaced otherwise: the
-- row stays BUILT, and its new hash must follow the old one's line in dead_builds.

ALTER TABLE `wallet_sends`
    ADD COLUMN `key_images` TEXT NULL,
    ADD COLUMN `dead_builds` TEXT NULL;

DROP TRIGGER `wallet_sends_forward_only`;

CREATE TRIGGER `wallet_sends_forward_only` BEFORE UPDATE ON `wallet_sends` FOR EACH ROW
BEGIN
    IF NEW.`state` <> OLD.`state` AND NOT (
        (OLD.`state` = 'RETRY' AND NEW.`state` IN ('BUILT', 'FAILED')) OR (OLD.`state` = 'BUILT' AND NEW.`state` = 'RELAYED')
    ) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_sends: a send only moves RETRY -> BUILT -> RELAYED or RETRY -> FAILED';
    END IF;
    IF OLD.`dead_builds` IS NOT NULL AND NOT (LEFT(NEW.`dead_builds`, CHAR_LENGTH(OLD.`dead_builds`)) <=> OLD.`dead_builds`) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_sends: dead builds are only ever added to';
    END IF;
    IF OLD.`tx_hash` IS NOT NULL AND NOT (NEW.`tx_hash` <=> OLD.`tx_hash`) AND NOT (
        OLD.`state` = 'BUILT' AND NEW.`state` = 'BUILT' AND NEW.`tx_hash` IS NOT NULL
        AND LOCATE(NEW.`tx_hash`, COALESCE(NEW.`dead_builds`, '')) = 0
        AND SUBSTRING(COALESCE(NEW.`dead_builds`, ''), CHAR_LENGTH(COALESCE(OLD.`dead_builds`, '')) + 1, 65) <=> CONCAT(OLD.`tx_hash`, ' ')
    ) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_sends: a built transaction is replaced only once recorded dead';
    END IF;
END;
