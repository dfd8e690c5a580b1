-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_practices" table
CREATE TABLE `new_practices` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `time_zone` text NOT NULL, `front_desk_number` text NULL, `pms_hours` json NULL, `hours` json NULL, `closures` json NULL, `lead_time_minutes` integer NOT NULL DEFAULT (120), `horizon_days` integer NOT NULL DEFAULT (90), `slot_step_minutes` integer NOT NULL DEFAULT (15), `default_appointment_type_id` text NULL, `pms_closures` json NULL, PRIMARY KEY (`id`));
-- Copy rows from old table "practices" to new temporary table "new_practices"
INSERT INTO `new_practices` (`id`, `created_at`, `updated_at`, `name`, `time_zone`, `front_desk_number`, `pms_hours`, `pms_closures`) SELECT `id`, `created_at`, `updated_at`, `name`, `time_zone`, `front_desk_number`, `pms_hours`, `pms_closures` FROM `practices`;
-- Drop "practices" table after copying rows
DROP TABLE `practices`;
-- Rename temporary table "new_practices" to "practices"
ALTER TABLE `new_practices` RENAME TO `practices`;
-- Create "new_appointments" table
CREATE TABLE `new_appointments` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `start_at` datetime NOT NULL, `end_at` datetime NOT NULL, `status` text NOT NULL DEFAULT ('SCHEDULED'), `pms_status` text NOT NULL DEFAULT (''), `source` text NOT NULL DEFAULT ('PMS'), `description` text NOT NULL DEFAULT (''), `pms_changed_at` datetime NULL, `writeback_state` text NOT NULL DEFAULT ('NONE'), `writeback_error` text NOT NULL DEFAULT (''), `notes` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, `patient_id` text NULL, `provider_id` text NULL, `operatory_id` text NULL, `appointment_type_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `appointments_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_patients_patient` FOREIGN KEY (`patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_providers_provider` FOREIGN KEY (`provider_id`) REFERENCES `providers` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_operatories_operatory` FOREIGN KEY (`operatory_id`) REFERENCES `operatories` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_appointment_types_appointment_type` FOREIGN KEY (`appointment_type_id`) REFERENCES `appointment_types` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "appointments" to new temporary table "new_appointments"
INSERT INTO `new_appointments` (`id`, `created_at`, `updated_at`, `pms_id`, `pms_digest`, `start_at`, `end_at`, `status`, `pms_status`, `source`, `description`, `pms_changed_at`, `practice_id`, `patient_id`, `provider_id`, `operatory_id`, `appointment_type_id`) SELECT `id`, `created_at`, `updated_at`, `pms_id`, `pms_digest`, `start_at`, `end_at`, `status`, `pms_status`, `source`, `description`, `pms_changed_at`, `practice_id`, `patient_id`, `provider_id`, `operatory_id`, `appointment_type_id` FROM `appointments`;
-- Drop "appointments" table after copying rows
DROP TABLE `appointments`;
-- Rename temporary table "new_appointments" to "appointments"
ALTER TABLE `new_appointments` RENAME TO `appointments`;
-- Create index "appointment_practice_id" to table: "appointments"
CREATE INDEX `appointment_practice_id` ON `appointments` (`practice_id`);
-- Create index "appointment_practice_id_pms_id" to table: "appointments"
CREATE UNIQUE INDEX `appointment_practice_id_pms_id` ON `appointments` (`practice_id`, `pms_id`);
-- Create index "appointment_practice_id_start_at" to table: "appointments"
CREATE INDEX `appointment_practice_id_start_at` ON `appointments` (`practice_id`, `start_at`);
-- Create index "appointment_practice_id_provider_id_start_at" to table: "appointments"
CREATE INDEX `appointment_practice_id_provider_id_start_at` ON `appointments` (`practice_id`, `provider_id`, `start_at`);
-- Create index "appointment_practice_id_patient_id" to table: "appointments"
CREATE INDEX `appointment_practice_id_patient_id` ON `appointments` (`practice_id`, `patient_id`);
-- Create "action_items" table
CREATE TABLE `action_items` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('OPEN'), `urgency` text NOT NULL DEFAULT ('ROUTINE'), `summary` text NOT NULL, `callback_number` text NOT NULL DEFAULT (''), `call_id` text NULL, `resolved_at` datetime NULL, `resolved_by` text NOT NULL DEFAULT (''), `resolution` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, `appointment_id` text NULL, `patient_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `action_items_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `action_items_appointments_appointment` FOREIGN KEY (`appointment_id`) REFERENCES `appointments` (`id`) ON DELETE SET NULL, CONSTRAINT `action_items_patients_patient` FOREIGN KEY (`patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL);
-- Create index "actionitem_practice_id" to table: "action_items"
CREATE INDEX `actionitem_practice_id` ON `action_items` (`practice_id`);
-- Create index "actionitem_practice_id_status_created_at" to table: "action_items"
CREATE INDEX `actionitem_practice_id_status_created_at` ON `action_items` (`practice_id`, `status`, `created_at`);
-- Create "writebacks" table
CREATE TABLE `writebacks` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `state` text NOT NULL DEFAULT ('QUEUED'), `pms_writeback_id` text NULL, `created_pms_id` text NULL, `attempts` integer NOT NULL DEFAULT (0), `polls` integer NOT NULL DEFAULT (0), `last_error` text NOT NULL DEFAULT (''), `submitted_at` datetime NULL, `completed_at` datetime NULL, `start_at` datetime NULL, `reason` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, `appointment_id` text NOT NULL, `patient_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `writebacks_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `writebacks_appointments_appointment` FOREIGN KEY (`appointment_id`) REFERENCES `appointments` (`id`) ON DELETE NO ACTION, CONSTRAINT `writebacks_patients_patient` FOREIGN KEY (`patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL);
-- Create index "writeback_practice_id" to table: "writebacks"
CREATE INDEX `writeback_practice_id` ON `writebacks` (`practice_id`);
-- Create index "writeback_appointment_id_created_at" to table: "writebacks"
CREATE INDEX `writeback_appointment_id_created_at` ON `writebacks` (`appointment_id`, `created_at`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
