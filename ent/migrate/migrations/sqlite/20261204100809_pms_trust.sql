-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_pms_connections" table
CREATE TABLE `new_pms_connections` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `provider` text NOT NULL, `office_id` text NULL, `pms_practice_id` text NOT NULL DEFAULT ('1'), `secret_key` blob NULL, `request_key` blob NULL, `refresh_key` blob NULL, `key_expires_at` datetime NULL, `status` text NOT NULL DEFAULT ('CONNECTED'), `system` text NULL, `last_sync_at` datetime NULL, `last_full_sync_at` datetime NULL, `appointments_changed_since` datetime NULL, `last_error` text NULL, `cancel_status` text NOT NULL DEFAULT (''), `appointment_statuses` json NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `pms_connections_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "pms_connections" to new temporary table "new_pms_connections"
INSERT INTO `new_pms_connections` (`id`, `created_at`, `updated_at`, `provider`, `office_id`, `pms_practice_id`, `secret_key`, `request_key`, `refresh_key`, `key_expires_at`, `status`, `system`, `last_sync_at`, `last_full_sync_at`, `appointments_changed_since`, `last_error`, `practice_id`) SELECT `id`, `created_at`, `updated_at`, `provider`, `office_id`, `pms_practice_id`, `secret_key`, `request_key`, `refresh_key`, `key_expires_at`, `status`, `system`, `last_sync_at`, `last_full_sync_at`, `appointments_changed_since`, `last_error`, `practice_id` FROM `pms_connections`;
-- Drop "pms_connections" table after copying rows
DROP TABLE `pms_connections`;
-- Rename temporary table "new_pms_connections" to "pms_connections"
ALTER TABLE `new_pms_connections` RENAME TO `pms_connections`;
-- Create index "pmsconnection_practice_id" to table: "pms_connections"
CREATE INDEX `pmsconnection_practice_id` ON `pms_connections` (`practice_id`);
-- Create index "pms_connection_one_per_practice" to table: "pms_connections"
CREATE UNIQUE INDEX `pms_connection_one_per_practice` ON `pms_connections` (`practice_id`);
-- Create "new_patients" table
CREATE TABLE `new_patients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `first_name` text NOT NULL DEFAULT (''), `last_name` text NOT NULL DEFAULT (''), `preferred_name` text NOT NULL DEFAULT (''), `birth_date` text NOT NULL DEFAULT (''), `phones` json NULL, `phone_index` text NOT NULL DEFAULT (''), `email` text NOT NULL DEFAULT (''), `status` text NOT NULL DEFAULT (''), `phone_verify_failures` integer NOT NULL DEFAULT (0), `phone_verify_window_start` datetime NULL, `phone_verify_locked_until` datetime NULL, `active` bool NOT NULL DEFAULT (true), `former_pms_id` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `patients_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "patients" to new temporary table "new_patients"
INSERT INTO `new_patients` (`id`, `created_at`, `updated_at`, `pms_id`, `pms_digest`, `first_name`, `last_name`, `preferred_name`, `birth_date`, `phones`, `phone_index`, `email`, `status`, `phone_verify_failures`, `phone_verify_window_start`, `phone_verify_locked_until`, `practice_id`) SELECT `id`, `created_at`, `updated_at`, `pms_id`, `pms_digest`, `first_name`, `last_name`, `preferred_name`, `birth_date`, `phones`, `phone_index`, `email`, `status`, `phone_verify_failures`, `phone_verify_window_start`, `phone_verify_locked_until`, `practice_id` FROM `patients`;
-- Drop "patients" table after copying rows
DROP TABLE `patients`;
-- Rename temporary table "new_patients" to "patients"
ALTER TABLE `new_patients` RENAME TO `patients`;
-- Create index "patient_practice_id" to table: "patients"
CREATE INDEX `patient_practice_id` ON `patients` (`practice_id`);
-- Create index "patient_practice_id_pms_id" to table: "patients"
CREATE UNIQUE INDEX `patient_practice_id_pms_id` ON `patients` (`practice_id`, `pms_id`);
-- Create index "patient_practice_id_last_name_first_name" to table: "patients"
CREATE INDEX `patient_practice_id_last_name_first_name` ON `patients` (`practice_id`, `last_name`, `first_name`);
-- Create index "patient_practice_id_birth_date" to table: "patients"
CREATE INDEX `patient_practice_id_birth_date` ON `patients` (`practice_id`, `birth_date`);
-- Create "sandbox_entries" table
CREATE TABLE `sandbox_entries` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `seq` integer NOT NULL, `kind` text NOT NULL, `data` text NOT NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `sandbox_entries_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "sandboxentry_practice_id" to table: "sandbox_entries"
CREATE INDEX `sandboxentry_practice_id` ON `sandbox_entries` (`practice_id`);
-- Create index "sandboxentry_practice_id_seq" to table: "sandbox_entries"
CREATE UNIQUE INDEX `sandboxentry_practice_id_seq` ON `sandbox_entries` (`practice_id`, `seq`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
