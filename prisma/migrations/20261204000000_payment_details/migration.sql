-- How to pay the seller: kept with a SELL offer, copied to each trade (or given by the seller of a BUY offer's trade).
ALTER TABLE `offers` ADD COLUMN `payment_details` VARCHAR(1000) NULL;
ALTER TABLE `trades` ADD COLUMN `payment_details` VARCHAR(1000) NULL;
