-- Create "members" table
CREATE TABLE `members` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `subject` text NULL, `email` text NULL, `role` text NOT NULL, `joined_at` datetime NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `members_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "member_practice_id" to table: "members"
CREATE INDEX `member_practice_id` ON `members` (`practice_id`);
-- Create index "member_practice_id_email" to table: "members"
CREATE UNIQUE INDEX `member_practice_id_email` ON `members` (`practice_id`, `email`);
-- Create index "member_practice_id_subject" to table: "members"
CREATE UNIQUE INDEX `member_practice_id_subject` ON `members` (`practice_id`, `subject`);
-- Create index "member_subject" to table: "members"
CREATE INDEX `member_subject` ON `members` (`subject`);
-- Create index "member_email" to table: "members"
CREATE INDEX `member_email` ON `members` (`email`);
-- Create "practices" table
CREATE TABLE `practices` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `time_zone` text NOT NULL, `front_desk_number` text NULL, PRIMARY KEY (`id`));
