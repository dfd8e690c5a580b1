-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_patients" table
CREATE TABLE `new_patients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `first_name` text NOT NULL DEFAULT (''), `last_name` text NOT NULL DEFAULT (''), `preferred_name` text NOT NULL DEFAULT (''), `birth_date` text NOT NULL DEFAULT (''), `phones` json NULL, `phone_index` text NOT NULL DEFAULT (''), `email` text NOT NULL DEFAULT (''), `status` text NOT NULL DEFAULT (''), `phone_verify_failures` integer NOT NULL DEFAULT (0), `phone_verify_window_start` datetime NULL, `phone_verify_locked_until` datetime NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `patients_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "patients" to new temporary table "new_patients"
INSERT INTO `new_patients` (`id`, `created_at`, `updated_at`, `pms_id`, `pms_digest`, `first_name`, `last_name`, `preferred_name`, `birth_date`, `phones`, `phone_index`, `email`, `status`, `practice_id`) SELECT `id`, `created_at`, `updated_at`, `pms_id`, `pms_digest`, `first_name`, `last_name`, `preferred_name`, `birth_date`, `phones`, `phone_index`, `email`, `status`, `practice_id` FROM `patients`;
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
-- Create "new_calls" table
CREATE TABLE `new_calls` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `vapi_call_id` text NULL, `twilio_call_sid` text NULL, `called_number` text NOT NULL DEFAULT (''), `route` text NULL, `answered_by` text NULL, `caller_number` text NOT NULL DEFAULT (''), `status` text NOT NULL DEFAULT (''), `started_at` datetime NULL, `ended_at` datetime NULL, `duration_seconds` integer NOT NULL DEFAULT (0), `ended_reason` text NOT NULL DEFAULT (''), `outcome` text NULL, `summary` text NOT NULL DEFAULT (''), `transcript` text NOT NULL DEFAULT (''), `recording_url` text NOT NULL DEFAULT (''), `stereo_recording_url` text NOT NULL DEFAULT (''), `success_evaluation` text NOT NULL DEFAULT (''), `structured_data` json NULL, `cost` real NOT NULL DEFAULT (0), `cost_breakdown` json NULL, `failed_verifications` integer NOT NULL DEFAULT (0), `practice_id` text NOT NULL, `verified_patient_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `calls_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `calls_patients_verified_patient` FOREIGN KEY (`verified_patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "calls" to new temporary table "new_calls"
INSERT INTO `new_calls` (`id`, `created_at`, `updated_at`, `vapi_call_id`, `twilio_call_sid`, `called_number`, `route`, `answered_by`, `caller_number`, `status`, `started_at`, `ended_at`, `duration_seconds`, `ended_reason`, `outcome`, `summary`, `transcript`, `recording_url`, `stereo_recording_url`, `success_evaluation`, `structured_data`, `cost`, `cost_breakdown`, `practice_id`, `verified_patient_id`) SELECT `id`, `created_at`, `updated_at`, `vapi_call_id`, `twilio_call_sid`, `called_number`, `route`, `answered_by`, `caller_number`, `status`, `started_at`, `ended_at`, `duration_seconds`, `ended_reason`, `outcome`, `summary`, `transcript`, `recording_url`, `stereo_recording_url`, `success_evaluation`, `structured_data`, `cost`, `cost_breakdown`, `practice_id`, `verified_patient_id` FROM `calls`;
-- Drop "calls" table after copying rows
DROP TABLE `calls`;
-- Rename temporary table "new_calls" to "calls"
ALTER TABLE `new_calls` RENAME TO `calls`;
-- Create index "call_practice_id" to table: "calls"
CREATE INDEX `call_practice_id` ON `calls` (`practice_id`);
-- Create index "call_practice_id_vapi_call_id" to table: "calls"
CREATE UNIQUE INDEX `call_practice_id_vapi_call_id` ON `calls` (`practice_id`, `vapi_call_id`);
-- Create index "call_practice_id_started_at" to table: "calls"
CREATE INDEX `call_practice_id_started_at` ON `calls` (`practice_id`, `started_at`);
-- Create index "call_practice_id_twilio_call_sid" to table: "calls"
CREATE INDEX `call_practice_id_twilio_call_sid` ON `calls` (`practice_id`, `twilio_call_sid`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
