-- Add column "pms_hours" to table: "practices"
ALTER TABLE `practices` ADD COLUMN `pms_hours` json NULL;
-- Add column "pms_closures" to table: "practices"
ALTER TABLE `practices` ADD COLUMN `pms_closures` json NULL;
-- Create "appointments" table
CREATE TABLE `appointments` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `start_at` datetime NOT NULL, `end_at` datetime NOT NULL, `status` text NOT NULL DEFAULT ('SCHEDULED'), `pms_status` text NOT NULL DEFAULT (''), `source` text NOT NULL DEFAULT ('PMS'), `description` text NOT NULL DEFAULT (''), `pms_changed_at` datetime NULL, `practice_id` text NOT NULL, `patient_id` text NULL, `provider_id` text NULL, `operatory_id` text NULL, `appointment_type_id` text NULL, PRIMARY KEY (`id`), CONSTRAINT `appointments_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION, CONSTRAINT `appointments_patients_patient` FOREIGN KEY (`patient_id`) REFERENCES `patients` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_providers_provider` FOREIGN KEY (`provider_id`) REFERENCES `providers` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_operatories_operatory` FOREIGN KEY (`operatory_id`) REFERENCES `operatories` (`id`) ON DELETE SET NULL, CONSTRAINT `appointments_appointment_types_appointment_type` FOREIGN KEY (`appointment_type_id`) REFERENCES `appointment_types` (`id`) ON DELETE SET NULL);
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
-- Create "appointment_types" table
CREATE TABLE `appointment_types` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `name` text NOT NULL DEFAULT (''), `duration_minutes` integer NOT NULL DEFAULT (0), `bookable_by_phone` bool NOT NULL DEFAULT (true), `provider_ids` json NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `appointment_types_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "appointmenttype_practice_id" to table: "appointment_types"
CREATE INDEX `appointmenttype_practice_id` ON `appointment_types` (`practice_id`);
-- Create index "appointmenttype_practice_id_pms_id" to table: "appointment_types"
CREATE UNIQUE INDEX `appointmenttype_practice_id_pms_id` ON `appointment_types` (`practice_id`, `pms_id`);
-- Create "operatories" table
CREATE TABLE `operatories` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `name` text NOT NULL DEFAULT (''), `abbreviation` text NOT NULL DEFAULT (''), `hidden` bool NOT NULL DEFAULT (false), `provider_pms_ids` json NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `operatories_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "operatory_practice_id" to table: "operatories"
CREATE INDEX `operatory_practice_id` ON `operatories` (`practice_id`);
-- Create index "operatory_practice_id_pms_id" to table: "operatories"
CREATE UNIQUE INDEX `operatory_practice_id_pms_id` ON `operatories` (`practice_id`, `pms_id`);
-- Create "pms_connections" table
CREATE TABLE `pms_connections` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `provider` text NOT NULL, `office_id` text NULL, `pms_practice_id` text NOT NULL DEFAULT ('1'), `secret_key` blob NULL, `request_key` blob NULL, `refresh_key` blob NULL, `key_expires_at` datetime NULL, `status` text NOT NULL DEFAULT ('CONNECTED'), `system` text NULL, `last_sync_at` datetime NULL, `last_full_sync_at` datetime NULL, `appointments_changed_since` datetime NULL, `last_error` text NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `pms_connections_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "pmsconnection_practice_id" to table: "pms_connections"
CREATE INDEX `pmsconnection_practice_id` ON `pms_connections` (`practice_id`);
-- Create index "pms_connection_one_per_practice" to table: "pms_connections"
CREATE UNIQUE INDEX `pms_connection_one_per_practice` ON `pms_connections` (`practice_id`);
-- Create "patients" table
CREATE TABLE `patients` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `first_name` text NOT NULL DEFAULT (''), `last_name` text NOT NULL DEFAULT (''), `preferred_name` text NOT NULL DEFAULT (''), `birth_date` text NOT NULL DEFAULT (''), `phones` json NULL, `phone_index` text NOT NULL DEFAULT (''), `email` text NOT NULL DEFAULT (''), `status` text NOT NULL DEFAULT (''), `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `patients_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "patient_practice_id" to table: "patients"
CREATE INDEX `patient_practice_id` ON `patients` (`practice_id`);
-- Create index "patient_practice_id_pms_id" to table: "patients"
CREATE UNIQUE INDEX `patient_practice_id_pms_id` ON `patients` (`practice_id`, `pms_id`);
-- Create index "patient_practice_id_last_name_first_name" to table: "patients"
CREATE INDEX `patient_practice_id_last_name_first_name` ON `patients` (`practice_id`, `last_name`, `first_name`);
-- Create index "patient_practice_id_birth_date" to table: "patients"
CREATE INDEX `patient_practice_id_birth_date` ON `patients` (`practice_id`, `birth_date`);
-- Create "providers" table
CREATE TABLE `providers` (`id` text NOT NULL, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `pms_id` text NULL, `pms_digest` text NULL, `first_name` text NOT NULL DEFAULT (''), `last_name` text NOT NULL DEFAULT (''), `title` text NOT NULL DEFAULT (''), `specialty` text NOT NULL DEFAULT (''), `active` bool NOT NULL DEFAULT (true), `hours` json NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `providers_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "provider_practice_id" to table: "providers"
CREATE INDEX `provider_practice_id` ON `providers` (`practice_id`);
-- Create index "provider_practice_id_pms_id" to table: "providers"
CREATE UNIQUE INDEX `provider_practice_id_pms_id` ON `providers` (`practice_id`, `pms_id`);
-- Create "sync_runs" table
CREATE TABLE `sync_runs` (`id` text NOT NULL, `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('RUNNING'), `started_at` datetime NOT NULL, `finished_at` datetime NULL, `duration_ms` integer NOT NULL DEFAULT (0), `providers` integer NOT NULL DEFAULT (0), `operatories` integer NOT NULL DEFAULT (0), `appointment_types` integer NOT NULL DEFAULT (0), `patients` integer NOT NULL DEFAULT (0), `appointments` integer NOT NULL DEFAULT (0), `created` integer NOT NULL DEFAULT (0), `updated` integer NOT NULL DEFAULT (0), `removed` integer NOT NULL DEFAULT (0), `error` text NULL, `practice_id` text NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `sync_runs_practices_practice` FOREIGN KEY (`practice_id`) REFERENCES `practices` (`id`) ON DELETE NO ACTION);
-- Create index "syncrun_practice_id" to table: "sync_runs"
CREATE INDEX `syncrun_practice_id` ON `sync_runs` (`practice_id`);
-- Create index "syncrun_practice_id_started_at" to table: "sync_runs"
CREATE INDEX `syncrun_practice_id_started_at` ON `sync_runs` (`practice_id`, `started_at`);
