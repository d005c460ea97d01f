-- The ledger: accounts with balances, transfers, escrow holds, withdrawals and the outbox.

CREATE TABLE `accounts` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `code` VARCHAR(64) NOT NULL,
    `kind` ENUM('USER', 'HOT_WALLET', 'ESCROW', 'FEES', 'WITHDRAWALS_PENDING') NOT NULL,
    `user_id` INTEGER NULL,
    `balance` BIGINT NOT NULL DEFAULT 0,
    `held` BIGINT NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `accounts_code_key`(`code`),
    UNIQUE INDEX `accounts_user_id_key`(`user_id`),
    PRIMARY KEY (`id`),
    -- The database itself refuses an overdraft: nothing held below zero, and a user account never
    -- holds more than it has. System accounts (HOT_WALLET, FEES) may go negative.
    CONSTRAINT `accounts_held_not_negative` CHECK (`held` >= 0),
    CONSTRAINT `accounts_user_covers_held` CHECK (`kind` <> 'USER' OR `balance` >= `held`),
    CONSTRAINT `accounts_user_has_user_id` CHECK ((`kind` = 'USER') = (`user_id` IS NOT NULL))
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `transfers` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `transfer_key` VARCHAR(128) NOT NULL,
    `debit_account_id` INTEGER NOT NULL,
    `credit_account_id` INTEGER NOT NULL,
    `amount` BIGINT NOT NULL,
    `kind` VARCHAR(32) NOT NULL,
    `reference` VARCHAR(128) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `transfers_transfer_key_key`(`transfer_key`),
    INDEX `transfers_debit_account_id_id_idx`(`debit_account_id`, `id`),
    INDEX `transfers_credit_account_id_id_idx`(`credit_account_id`, `id`),
    PRIMARY KEY (`id`),
    CONSTRAINT `transfers_amount_positive` CHECK (`amount` > 0),
    CONSTRAINT `transfers_two_accounts` CHECK (`debit_account_id` <> `credit_account_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `holds` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `hold_key` VARCHAR(128) NOT NULL,
    `account_id` INTEGER NOT NULL,
    `amount` BIGINT NOT NULL,
    `state` ENUM('PENDING', 'POSTED', 'VOIDED') NOT NULL DEFAULT 'PENDING',
    `posted_to_account_id` INTEGER NULL,
    `transfer_id` BIGINT NULL,
    `reference` VARCHAR(128) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `resolved_at` DATETIME(3) NULL,

    UNIQUE INDEX `holds_hold_key_key`(`hold_key`),
    INDEX `holds_account_id_state_idx`(`account_id`, `state`),
    PRIMARY KEY (`id`),
    CONSTRAINT `holds_amount_positive` CHECK (`amount` > 0)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `withdrawals` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `user_id` INTEGER NOT NULL,
    `idempotency_key` VARCHAR(128) NOT NULL,
    `address` VARCHAR(128) NOT NULL,
    `amount` BIGINT NOT NULL,
    `fee` BIGINT NOT NULL,
    `network_fee` BIGINT NULL,
    `state` ENUM('PENDING', 'SENDING', 'SENT', 'FAILED', 'REFUNDED') NOT NULL DEFAULT 'PENDING',
    `tx_hash` VARCHAR(64) NULL,
    `failure_reason` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `withdrawals_user_id_idempotency_key_key`(`user_id`, `idempotency_key`),
    INDEX `withdrawals_user_id_id_idx`(`user_id`, `id`),
    INDEX `withdrawals_state_id_idx`(`state`, `id`),
    PRIMARY KEY (`id`),
    CONSTRAINT `withdrawals_amount_positive` CHECK (`amount` > 0 AND `fee` >= 0)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `outbox` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `queue` VARCHAR(128) NOT NULL,
    `message_id` VARCHAR(128) NOT NULL,
    `payload` TEXT NOT NULL,
    `attempts` INTEGER NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `published_at` DATETIME(3) NULL,

    UNIQUE INDEX `outbox_message_id_key`(`message_id`),
    INDEX `outbox_published_at_id_idx`(`published_at`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- The system accounts exist from the start; user accounts are created on first use.
INSERT INTO `accounts` (`code`, `kind`) VALUES
    ('HOT_WALLET', 'HOT_WALLET'),
    ('ESCROW', 'ESCROW'),
    ('FEES', 'FEES'),
    ('WITHDRAWALS_PENDING', 'WITHDRAWALS_PENDING');
