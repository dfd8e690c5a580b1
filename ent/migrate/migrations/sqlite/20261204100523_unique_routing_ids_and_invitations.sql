-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_agents" table
CREATE TABLE `new_agents` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL DEFAULT ('Receptionist'), `greeting` text NOT NULL DEFAULT (''), `voice_provider` text NOT NULL DEFAULT ('vapi'), `voice_id` text NOT NULL DEFAULT ('Elliot'), `transfer_number` text NOT NULL DEFAULT (''), `extra_instructions` text NOT NULL DEFAULT (''), `enabled` bool NOT NULL DEFAULT (true), `vapi_assistant_id` text NOT NULL DEFAULT (''), `vapi_tool_ids` json NULL, `provisioned_at` datetime NULL, `provision_error` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `agents_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "agents" to new temporary table "new_agents"
INSERT INTO `new_agents` (`id`, `created_at`, `updated_at`, `name`, `greeting`, `voice_provider`, `voice_id`, `transfer_number`, `extra_instructions`, `enabled`, `vapi_assistant_id`, `vapi_tool_ids`, `provisioned_at`, `provision_error`, `practice_id`) SELECT `id`, `created_at`, `updated_at`, `name`, `greeting`, `voice_provider`, `voice_id`, `transfer_number`, `extra_instructions`, `enabled`, `vapi_assistant_id`, `vapi_tool_ids`, `provisioned_at`, `provision_error`, `practice_id` FROM `agents`;
-- Drop "agents" table after copying rows
DROP TABLE `agents`;
-- Rename temporary table "new_agents" to "agents"
ALTER TABLE `new_agents` RENAME TO `agents`;
-- Create index "agent_practice_id" to table: "agents"
CREATE INDEX `agent_practice_id` ON `agents` (`practice_id`);
-- Create index "agent_one_per_practice" to table: "agents"
CREATE UNIQUE INDEX `agent_one_per_practice` ON `agents` (`practice_id`);
-- Create index "agent_vapi_assistant_id" to table: "agents"
CREATE UNIQUE INDEX `agent_vapi_assistant_id` ON `agents` (`vapi_assistant_id`) WHERE vapi_assistant_id <> '';
-- Create "new_phone_numbers" table
CREATE TABLE `new_phone_numbers` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `number` text NOT NULL, `twilio_sid` text NOT NULL DEFAULT (''), `vapi_phone_number_id` text NOT NULL DEFAULT (''), `routing` text NOT NULL DEFAULT ('AGENT'), `front_desk_ring_seconds` integer NOT NULL DEFAULT (20), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `phone_numbers_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Copy rows from old table "phone_numbers" to new temporary table "new_phone_numbers"
INSERT INTO `new_phone_numbers` (`id`, `created_at`, `updated_at`, `number`, `twilio_sid`, `vapi_phone_number_id`, `routing`, `front_desk_ring_seconds`, `practice_id`) SELECT `id`, `created_at`, `updated_at`, `number`, `twilio_sid`, `vapi_phone_number_id`, `routing`, `front_desk_ring_seconds`, `practice_id` FROM `phone_numbers`;
-- Drop "phone_numbers" table after copying rows
DROP TABLE `phone_numbers`;
-- Rename temporary table "new_phone_numbers" to "phone_numbers"
ALTER TABLE `new_phone_numbers` RENAME TO `phone_numbers`;
-- Create index "phonenumber_practice_id" to table: "phone_numbers"
CREATE INDEX `phonenumber_practice_id` ON `phone_numbers` (`practice_id`);
-- Create index "phonenumber_number" to table: "phone_numbers"
CREATE UNIQUE INDEX `phonenumber_number` ON `phone_numbers` (`number`);
-- Create index "phonenumber_vapi_phone_number_id" to table: "phone_numbers"
CREATE UNIQUE INDEX `phonenumber_vapi_phone_number_id` ON `phone_numbers` (`vapi_phone_number_id`) WHERE vapi_phone_number_id <> '';
-- Create index "phonenumber_twilio_sid" to table: "phone_numbers"
CREATE UNIQUE INDEX `phonenumber_twilio_sid` ON `phone_numbers` (`twilio_sid`) WHERE twilio_sid <> '';
-- Create "invitations" table
CREATE TABLE `invitations` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `role` text NOT NULL, `invited_by` text NOT NULL DEFAULT (''), `expires_at` datetime NOT NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `invitations_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "invitation_practice_id" to table: "invitations"
CREATE INDEX `invitation_practice_id` ON `invitations` (`practice_id`);
-- Create index "invitation_practice_id_email" to table: "invitations"
CREATE UNIQUE INDEX `invitation_practice_id_email` ON `invitations` (`practice_id`, `email`);
-- Create index "invitation_email" to table: "invitations"
CREATE INDEX `invitation_email` ON `invitations` (`email`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
