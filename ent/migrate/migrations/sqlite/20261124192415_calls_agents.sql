-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_practices" table
CREATE TABLE `new_practices` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `time_zone` text NOT NULL, `front_desk_number` text NULL, `pms_hours` json NULL, `hours` json NULL, `closures` json NULL, `lead_time_minutes` integer NOT NULL DEFAULT (120), `horizon_days` integer NOT NULL DEFAULT (90), `slot_step_minutes` integer NOT NULL DEFAULT (15), `default_appointment_type_id` text NULL, `schedule_version` integer NOT NULL DEFAULT (0), `pms_closures` json NULL, PRIMARY KEY (`id`));
-- Copy rows from old table "practices" to new temporary table "new_practices"
INSERT INTO `new_practices` (`id`, `created_at`, `updated_at`, `name`, `time_zone`, `front_desk_number`, `pms_hours`, `hours`, `closures`, `lead_time_minutes`, `horizon_days`, `slot_step_minutes`, `default_appointment_type_id`, `pms_closures`) SELECT `id`, `created_at`, `updated_at`, `name`, `time_zone`, `front_desk_number`, `pms_hours`, `hours`, `closures`, `lead_time_minutes`, `horizon_days`, `slot_step_minutes`, `default_appointment_type_id`, `pms_closures` FROM `practices`;
-- Drop "practices" table after copying rows
DROP TABLE `practices`;
-- Rename temporary table "new_practices" to "practices"
ALTER TABLE `new_practices` RENAME TO `practices`;
-- Create "agents" table
CREATE TABLE `agents` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL DEFAULT ('Receptionist'), `greeting` text NOT NULL DEFAULT (''), `voice_provider` text NOT NULL DEFAULT ('vapi'), `voice_id` text NOT NULL DEFAULT ('Elliot'), `transfer_number` text NOT NULL DEFAULT (''), `extra_instructions` text NOT NULL DEFAULT (''), `enabled` bool NOT NULL DEFAULT (true), `vapi_assistant_id` text NOT NULL DEFAULT (''), `vapi_tool_ids` json NULL, `provisioned_at` datetime NULL, `provision_error` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `agents_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "agent_practice_id" to table: "agents"
CREATE INDEX `agent_practice_id` ON `agents` (`practice_id`);
-- Create index "agent_one_per_practice" to table: "agents"
CREATE UNIQUE INDEX `agent_one_per_practice` ON `agents` (`practice_id`);
-- Create index "agent_vapi_assistant_id" to table: "agents"
CREATE INDEX `agent_vapi_assistant_id` ON `agents` (`vapi_assistant_id`);
-- Create "calls" table
CREATE TABLE `calls` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `vapi_call_id` text NOT NULL, `twilio_call_sid` text NOT NULL DEFAULT (''), `caller_number` text NOT NULL DEFAULT (''), `status` text NOT NULL DEFAULT (''), `started_at` datetime NULL, `ended_at` datetime NULL, `duration_seconds` integer NOT NULL DEFAULT (0), `ended_reason` text NOT NULL DEFAULT (''), `outcome` text NULL, `summary` text NOT NULL DEFAULT (''), `transcript` text NOT NULL DEFAULT (''), `recording_url` text NOT NULL DEFAULT (''), `cost` real NOT NULL DEFAULT (0), `practice_id` text NOT NULL, `verified_patient_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `calls_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `calls_patients_verified_patient` FOREIGN KEY (`verified_patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL);
-- Create index "call_practice_id" to table: "calls"
CREATE INDEX `call_practice_id` ON `calls` (`practice_id`);
-- Create index "call_vapi_call_id" to table: "calls"
CREATE UNIQUE INDEX `call_vapi_call_id` ON `calls` (`vapi_call_id`);
-- Create index "call_practice_id_started_at" to table: "calls"
CREATE INDEX `call_practice_id_started_at` ON `calls` (`practice_id`, `started_at`);
-- Create "phone_numbers" table
CREATE TABLE `phone_numbers` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `number` text NOT NULL, `twilio_sid` text NOT NULL DEFAULT (''), `vapi_phone_number_id` text NOT NULL DEFAULT (''), `routing` text NOT NULL DEFAULT ('AGENT'), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `phone_numbers_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "phonenumber_practice_id" to table: "phone_numbers"
CREATE INDEX `phonenumber_practice_id` ON `phone_numbers` (`practice_id`);
-- Create index "phonenumber_number" to table: "phone_numbers"
CREATE UNIQUE INDEX `phonenumber_number` ON `phone_numbers` (`number`);
-- Create index "phonenumber_vapi_phone_number_id" to table: "phone_numbers"
CREATE INDEX `phonenumber_vapi_phone_number_id` ON `phone_numbers` (`vapi_phone_number_id`);
-- Create "tool_invocations" table
CREATE TABLE `tool_invocations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `tool_call_id` text NOT NULL, `tool` text NOT NULL, `outcome` text NOT NULL, `result` text NOT NULL DEFAULT (''), `latency_ms` integer NOT NULL DEFAULT (0), `practice_id` text NOT NULL, `call_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `tool_invocations_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `tool_invocations_calls_call` FOREIGN KEY (`call_id`) REFERENCES `calls` (`id`) ON DELETE NO ACTION);
-- Create index "toolinvocation_practice_id" to table: "tool_invocations"
CREATE INDEX `toolinvocation_practice_id` ON `tool_invocations` (`practice_id`);
-- Create index "toolinvocation_practice_id_tool_call_id" to table: "tool_invocations"
CREATE UNIQUE INDEX `toolinvocation_practice_id_tool_call_id` ON `tool_invocations` (`practice_id`, `tool_call_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
