-- Trades that cost their abuser: the taker of each trade (its limits are counted from the trades
-- table, so they hold across replicas), and an offer owner's minimum reputation for takers.

ALTER TABLE `offers` ADD COLUMN `min_taker_completed_trades` INTEGER NOT NULL DEFAULT 0 AFTER `other_method`;

ALTER TABLE `trades` ADD COLUMN `taker_id` INTEGER NULL AFTER `seller_id`;

-- The taker is whichever party does not own the offer.
UPDATE `trades` t JOIN `offers` o ON o.`id` = t.`offer_id`
   SET t.`taker_id` = IF(t.`buyer_id` = o.`owner_id`, t.`seller_id`, t.`buyer_id`);

CREATE INDEX `trades_taker_id_state_idx` ON `trades`(`taker_id`, `state`);
CREATE INDEX `trades_taker_id_created_at_idx` ON `trades`(`taker_id`, `created_at`);
