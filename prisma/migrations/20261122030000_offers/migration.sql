-- Offers, trades, trade chat, feedback and price fallbacks.

CREATE TABLE `offers` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `owner_id` INTEGER NOT NULL,
    `side` ENUM('BUY', 'SELL') NOT NULL,
    `fiat_currency` CHAR(3) NOT NULL,
    `price_type` ENUM('FIXED', 'MARKET') NOT NULL,
    `fixed_price` DECIMAL(20, 8) NULL,
    `margin_percent` DECIMAL(8, 4) NULL,
    `min_amount` BIGINT NOT NULL,
    `max_amount` BIGINT NOT NULL,
    `payment_window_minutes` INTEGER NOT NULL,
    `terms` VARCHAR(2000) NULL,
    `other_method` VARCHAR(200) NULL,
    `status` ENUM('ACTIVE', 'PAUSED', 'CLOSED') NOT NULL DEFAULT 'ACTIVE',
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `offers_status_fiat_currency_side_id_idx`(`status`, `fiat_currency`, `side`, `id`),
    INDEX `offers_status_fiat_currency_side_fixed_price_idx`(`status`, `fiat_currency`, `side`, `fixed_price`),
    INDEX `offers_status_fiat_currency_side_margin_percent_idx`(`status`, `fiat_currency`, `side`, `margin_percent`),
    INDEX `offers_owner_id_id_idx`(`owner_id`, `id`),
    PRIMARY KEY (`id`),
    CONSTRAINT `offers_limits` CHECK (`min_amount` > 0 AND `max_amount` >= `min_amount`),
    CONSTRAINT `offers_price` CHECK ((`price_type` = 'FIXED' AND `fixed_price` > 0) OR (`price_type` = 'MARKET' AND `margin_percent` IS NOT NULL))
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `offer_payment_methods` (
    `offer_id` INTEGER NOT NULL,
    `method` VARCHAR(32) NOT NULL,

    INDEX `offer_payment_methods_method_offer_id_idx`(`method`, `offer_id`),
    PRIMARY KEY (`offer_id`, `method`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `trades` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `offer_id` INTEGER NOT NULL,
    `buyer_id` INTEGER NOT NULL,
    `seller_id` INTEGER NOT NULL,
    `amount` BIGINT NOT NULL,
    `price` DECIMAL(20, 8) NOT NULL,
    `fiat_amount` DECIMAL(20, 8) NOT NULL,
    `fiat_currency` CHAR(3) NOT NULL,
    `payment_method` VARCHAR(32) NOT NULL,
    `state` ENUM('AWAITING_PAYMENT', 'PAYMENT_SENT', 'COMPLETED', 'CANCELLED', 'DISPUTED', 'RESOLVED') NOT NULL DEFAULT 'AWAITING_PAYMENT',
    `hold_id` BIGINT NULL,
    `escrow` ENUM('NONE', 'HELD', 'POSTED', 'VOIDED') NOT NULL DEFAULT 'NONE',
    `payment_deadline` DATETIME(3) NOT NULL,
    `paid_at` DATETIME(3) NULL,
    `completed_at` DATETIME(3) NULL,
    `cancelled_at` DATETIME(3) NULL,
    `cancel_reason` VARCHAR(64) NULL,
    `disputed_at` DATETIME(3) NULL,
    `disputed_by` INTEGER NULL,
    `dispute_reason` VARCHAR(1000) NULL,
    `resolution` VARCHAR(8) NULL,
    `resolution_note` VARCHAR(1000) NULL,
    `resolved_by` INTEGER NULL,
    `resolved_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `trades_buyer_id_id_idx`(`buyer_id`, `id`),
    INDEX `trades_buyer_id_state_idx`(`buyer_id`, `state`),
    INDEX `trades_seller_id_state_paid_at_completed_at_idx`(`seller_id`, `state`, `paid_at`, `completed_at`),
    INDEX `trades_seller_id_id_idx`(`seller_id`, `id`),
    INDEX `trades_state_payment_deadline_idx`(`state`, `payment_deadline`),
    INDEX `trades_state_paid_at_idx`(`state`, `paid_at`),
    INDEX `trades_offer_id_idx`(`offer_id`),
    INDEX `trades_escrow_state_idx`(`escrow`, `state`),
    PRIMARY KEY (`id`),
    CONSTRAINT `trades_amount_positive` CHECK (`amount` > 0),
    CONSTRAINT `trades_two_parties` CHECK (`buyer_id` <> `seller_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `trade_messages` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `trade_id` INTEGER NOT NULL,
    `author_id` INTEGER NOT NULL,
    `body` VARCHAR(2000) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `trade_messages_trade_id_id_idx`(`trade_id`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `feedback` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `trade_id` INTEGER NOT NULL,
    `from_user_id` INTEGER NOT NULL,
    `to_user_id` INTEGER NOT NULL,
    `rating` ENUM('POSITIVE', 'NEUTRAL', 'NEGATIVE') NOT NULL,
    `comment` VARCHAR(500) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `feedback_trade_id_from_user_id_key`(`trade_id`, `from_user_id`),
    INDEX `feedback_to_user_id_idx`(`to_user_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `price_fallbacks` (
    `fiat_currency` CHAR(3) NOT NULL,
    `price` DECIMAL(20, 8) NOT NULL,
    `updated_by` INTEGER NULL,
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`fiat_currency`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `offer_payment_methods` ADD CONSTRAINT `offer_payment_methods_offer_id_fkey` FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
