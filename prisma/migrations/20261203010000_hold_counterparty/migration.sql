-- A hold names, when it is placed, the only account it can be posted to: a service that may place
-- and post holds (offers) can still never move a seller's coins to a third account.

ALTER TABLE `holds` ADD COLUMN `counterparty_account_id` INTEGER NULL AFTER `account_id`;
