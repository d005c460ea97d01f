-- A user's access tokens carry the version they were issued with; bumping it (password or role
-- change, "log out everywhere") ends every token issued before, and deleting the user deletes the
-- row, which ends them all. Owned by login; the other services only read it.

CREATE TABLE `token_versions` (
    `user_id` INTEGER NOT NULL,
    `version` INTEGER UNSIGNED NOT NULL DEFAULT 0,

    PRIMARY KEY (`user_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

ALTER TABLE `token_versions` ADD CONSTRAINT `token_versions_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO `token_versions` (`user_id`) SELECT `id` FROM `users`;
