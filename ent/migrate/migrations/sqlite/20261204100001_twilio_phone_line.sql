-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_phone_numbers" table
CREATE TABLE `new_phone_numbers` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `number` text NOT NULL, `twilio_sid` text NOT NULL DEFAULT (''), `vapi_phone_number_id` text NOT NULL DEFAULT (''), `routing` text NOT NULL DEFAULT ('AGENT'), `front_desk_ring_seconds` integer NOT NULL DEFAULT (20), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `phone_numbers_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "phone_numbers" to new temporary table "new_phone_numbers"
INSERT INTO `new_phone_numbers` (`id`, `created_at`, `updated_at`, `number`, `twilio_sid`, `vapi_phone_number_id`, `routing`, `practice_id`) SELECT `id`, `created_at`, `updated_at`, `number`, `twilio_sid`, `vapi_phone_number_id`, `routing`, `practice_id` FROM `phone_numbers`;
-- Drop "phone_numbers" table after copying rows
DROP TABLE `phone_numbers`;
-- Rename temporary table "new_phone_numbers" to "phone_numbers"
ALTER TABLE `new_phone_numbers` RENAME TO `phone_numbers`;
-- Create index "phonenumber_practice_id" to table: "phone_numbers"
CREATE INDEX `phonenumber_practice_id` ON `phone_numbers` (`practice_id`);
-- Create index "phonenumber_number" to table: "phone_numbers"
CREATE UNIQUE INDEX `phonenumber_number` ON `phone_numbers` (`number`);
-- Create index "phonenumber_vapi_phone_number_id" to table: "phone_numbers"
CREATE INDEX `phonenumber_vapi_phone_number_id` ON `phone_numbers` (`vapi_phone_number_id`);
-- Create "new_calls" table
CREATE TABLE `new_calls` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `vapi_call_id` text NULL, `twilio_call_sid` text NULL, `called_number` text NOT NULL DEFAULT (''), `route` text NULL, `answered_by` text NULL, `caller_number` text NOT NULL DEFAULT (''), `status` text NOT NULL DEFAULT (''), `started_at` datetime NULL, `ended_at` datetime NULL, `duration_seconds` integer NOT NULL DEFAULT (0), `ended_reason` text NOT NULL DEFAULT (''), `outcome` text NULL, `summary` text NOT NULL DEFAULT (''), `transcript` text NOT NULL DEFAULT (''), `recording_url` text NOT NULL DEFAULT (''), `stereo_recording_url` text NOT NULL DEFAULT (''), `success_evaluation` text NOT NULL DEFAULT (''), `structured_data` json NULL, `cost` real NOT NULL DEFAULT (0), `cost_breakdown` json NULL, `practice_id` text NOT NULL, `verified_patient_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `calls_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `calls_patients_verified_patient` FOREIGN KEY (`verified_patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "calls" to new temporary table "new_calls"
INSERT INTO `new_calls` (`id`, `created_at`, `updated_at`, `vapi_call_id`, `twilio_call_sid`, `caller_number`, `status`, `started_at`, `ended_at`, `duration_seconds`, `ended_reason`, `outcome`, `summary`, `transcript`, `recording_url`, `stereo_recording_url`, `success_evaluation`, `structured_data`, `cost`, `cost_breakdown`, `practice_id`, `verified_patient_id`) SELECT `id`, `created_at`, `updated_at`, `vapi_call_id`, `twilio_call_sid`, `caller_number`, `status`, `started_at`, `ended_at`, `duration_seconds`, `ended_reason`, `outcome`, `summary`, `transcript`, `recording_url`, `stereo_recording_url`, `success_evaluation`, `structured_data`, `cost`, `cost_breakdown`, `practice_id`, `verified_patient_id` FROM `calls`;
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
