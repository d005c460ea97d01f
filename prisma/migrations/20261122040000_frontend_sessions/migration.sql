-- The frontend's browser sessions (express-session), in the database so any frontend replica can
-- serve any user. Access and refresh tokens live only here, never in the browser.

CREATE TABLE `frontend_sessions` (
    `sid` VARCHAR(128) NOT NULL,
    `data` MEDIUMTEXT NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,

    INDEX `frontend_sessions_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`sid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
