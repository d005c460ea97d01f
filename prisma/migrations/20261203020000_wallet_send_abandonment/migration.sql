-- A withdrawal's send only moves forward: RETRY → BUILT → RELAYED, or RETRY → FAILED. FAILED
-- means abandoned: the wallet manager records it before it reports FAILED (and the ledger refunds
-- the user), so an abandoned send must never hold or get a transaction, and a built one (which may
-- have left) must never be abandoned. The wallet manager's guarded writes keep to this; the
-- database refuses anything else, whoever writes.

ALTER TABLE `wallet_sends`
    ADD CONSTRAINT `wallet_sends_tx_only_when_built` CHECK ((`state` IN ('BUILT', 'RELAYED')) = (`tx_hash` IS NOT NULL)),
    ADD CONSTRAINT `wallet_sends_metadata_only_to_relay` CHECK (`tx_metadata` IS NULL OR `state` = 'BUILT');

CREATE TRIGGER `wallet_sends_forward_only` BEFORE UPDATE ON `wallet_sends` FOR EACH ROW
BEGIN
    IF NEW.`state` <> OLD.`state` AND NOT (
        (OLD.`state` = 'RETRY' AND NEW.`state` IN ('BUILT', 'FAILED')) OR (OLD.`state` = 'BUILT' AND NEW.`state` = 'RELAYED')
    ) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_sends: a send only moves RETRY -> BUILT -> RELAYED or RETRY -> FAILED';
    END IF;
    IF OLD.`tx_hash` IS NOT NULL AND NOT (NEW.`tx_hash` <=> OLD.`tx_hash`) THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_sends: a built transaction is never replaced';
    END IF;
END;

CREATE TRIGGER `wallet_sends_kept` BEFORE DELETE ON `wallet_sends` FOR EACH ROW
BEGIN
    IF OLD.`state` <> 'RETRY' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'wallet_sends: a built or abandoned send is kept';
    END IF;
END;
