-- The wallet manager: deposit subaddresses, deposits seen on chain, and withdrawal sends.

CREATE TABLE `deposit_addresses` (
    `user_id` INTEGER NOT NULL,
    `subaddress_index` INTEGER NOT NULL,
    `address` VARCHAR(128) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `deposit_addresses_subaddress_index_key`(`subaddress_index`),
    UNIQUE INDEX `deposit_addresses_address_key`(`address`),
    PRIMARY KEY (`user_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `deposits` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `tx_hash` CHAR(64) NOT NULL,
    `subaddress_index` INTEGER NOT NULL,
    `user_id` INTEGER NOT NULL,
    `amount` BIGINT NOT NULL,
    `height` INTEGER NULL,
    `confirmations` INTEGER NOT NULL DEFAULT 0,
    `state` ENUM('PENDING', 'CREDITED') NOT NULL DEFAULT 'PENDING',
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `credited_at` DATETIME(3) NULL,

    UNIQUE INDEX `deposits_tx_hash_subaddress_index_key`(`tx_hash`, `subaddress_index`),
    INDEX `deposits_user_id_id_idx`(`user_id`, `id`),
    INDEX `deposits_state_idx`(`state`),
    PRIMARY KEY (`id`),
    CONSTRAINT `deposits_amount_positive` CHECK (`amount` > 0)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `wallet_sends` (
    `withdrawal_id` BIGINT NOT NULL,
    `state` ENUM('RETRY', 'BUILT', 'RELAYED', 'FAILED') NOT NULL,
    `tx_hash` CHAR(64) NULL,
    `tx_metadata` MEDIUMTEXT NULL,
    `fee` BIGINT NULL,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `last_error` VARCHAR(255) NULL,
    `next_attempt_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `wallet_sends_state_next_attempt_at_idx`(`state`, `next_attempt_at`),
    PRIMARY KEY (`withdrawal_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
