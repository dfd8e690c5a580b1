-- Modify "practices" table
ALTER TABLE "practices" ADD COLUMN "pms_hours" jsonb NULL, ADD COLUMN "pms_closures" jsonb NULL;
-- Create "appointment_types" table
CREATE TABLE "appointment_types" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "pms_id" character varying NULL, "pms_digest" character varying NULL, "name" character varying NOT NULL DEFAULT '', "duration_minutes" bigint NOT NULL DEFAULT 0, "bookable_by_phone" boolean NOT NULL DEFAULT true, "provider_ids" jsonb NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "appointment_types_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "appointmenttype_practice_id" to table: "appointment_types"
CREATE INDEX "appointmenttype_practice_id" ON "appointment_types" ("practice_id");
-- Create index "appointmenttype_practice_id_pms_id" to table: "appointment_types"
CREATE UNIQUE INDEX "appointmenttype_practice_id_pms_id" ON "appointment_types" ("practice_id", "pms_id");
-- Create "operatories" table
CREATE TABLE "operatories" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "pms_id" character varying NULL, "pms_digest" character varying NULL, "name" character varying NOT NULL DEFAULT '', "abbreviation" character varying NOT NULL DEFAULT '', "hidden" boolean NOT NULL DEFAULT false, "provider_pms_ids" jsonb NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "operatories_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "operatory_practice_id" to table: "operatories"
CREATE INDEX "operatory_practice_id" ON "operatories" ("practice_id");
-- Create index "operatory_practice_id_pms_id" to table: "operatories"
CREATE UNIQUE INDEX "operatory_practice_id_pms_id" ON "operatories" ("practice_id", "pms_id");
-- Create "patients" table
CREATE TABLE "patients" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "pms_id" character varying NULL, "pms_digest" character varying NULL, "first_name" character varying NOT NULL DEFAULT '', "last_name" character varying NOT NULL DEFAULT '', "preferred_name" character varying NOT NULL DEFAULT '', "birth_date" character varying NOT NULL DEFAULT '', "phones" jsonb NULL, "phone_index" character varying NOT NULL DEFAULT '', "email" character varying NOT NULL DEFAULT '', "status" character varying NOT NULL DEFAULT '', "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "patients_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "patient_practice_id" to table: "patients"
CREATE INDEX "patient_practice_id" ON "patients" ("practice_id");
-- Create index "patient_practice_id_birth_date" to table: "patients"
CREATE INDEX "patient_practice_id_birth_date" ON "patients" ("practice_id", "birth_date");
-- Create index "patient_practice_id_last_name_first_name" to table: "patients"
CREATE INDEX "patient_practice_id_last_name_first_name" ON "patients" ("practice_id", "last_name", "first_name");
-- Create index "patient_practice_id_pms_id" to table: "patients"
CREATE UNIQUE INDEX "patient_practice_id_pms_id" ON "patients" ("practice_id", "pms_id");
-- Create "providers" table
CREATE TABLE "providers" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "pms_id" character varying NULL, "pms_digest" character varying NULL, "first_name" character varying NOT NULL DEFAULT '', "last_name" character varying NOT NULL DEFAULT '', "title" character varying NOT NULL DEFAULT '', "specialty" character varying NOT NULL DEFAULT '', "active" boolean NOT NULL DEFAULT true, "hours" jsonb NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "providers_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "provider_practice_id" to table: "providers"
CREATE INDEX "provider_practice_id" ON "providers" ("practice_id");
-- Create index "provider_practice_id_pms_id" to table: "providers"
CREATE UNIQUE INDEX "provider_practice_id_pms_id" ON "providers" ("practice_id", "pms_id");
-- Create "appointments" table
CREATE TABLE "appointments" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "pms_id" character varying NULL, "pms_digest" character varying NULL, "start_at" timestamptz NOT NULL, "end_at" timestamptz NOT NULL, "status" character varying NOT NULL DEFAULT 'SCHEDULED', "pms_status" character varying NOT NULL DEFAULT '', "source" character varying NOT NULL DEFAULT 'PMS', "description" character varying NOT NULL DEFAULT '', "pms_changed_at" timestamptz NULL, "practice_id" character varying NOT NULL, "patient_id" character varying NULL, "provider_id" character varying NULL, "operatory_id" character varying NULL, "appointment_type_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "appointments_appointment_types_appointment_type" FOREIGN KEY ("appointment_type_id") REFERENCES "appointment_types" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "appointments_operatories_operatory" FOREIGN KEY ("operatory_id") REFERENCES "operatories" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "appointments_patients_patient" FOREIGN KEY ("patient_id") REFERENCES "patients" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "appointments_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "appointments_providers_provider" FOREIGN KEY ("provider_id") REFERENCES "providers" ("id") ON UPDATE NO ACTION ON DELETE SET NULL);
-- Create index "appointment_practice_id" to table: "appointments"
CREATE INDEX "appointment_practice_id" ON "appointments" ("practice_id");
-- Create index "appointment_practice_id_patient_id" to table: "appointments"
CREATE INDEX "appointment_practice_id_patient_id" ON "appointments" ("practice_id", "patient_id");
-- Create index "appointment_practice_id_pms_id" to table: "appointments"
CREATE UNIQUE INDEX "appointment_practice_id_pms_id" ON "appointments" ("practice_id", "pms_id");
-- Create index "appointment_practice_id_provider_id_start_at" to table: "appointments"
CREATE INDEX "appointment_practice_id_provider_id_start_at" ON "appointments" ("practice_id", "provider_id", "start_at");
-- Create index "appointment_practice_id_start_at" to table: "appointments"
CREATE INDEX "appointment_practice_id_start_at" ON "appointments" ("practice_id", "start_at");
-- Create "pms_connections" table
CREATE TABLE "pms_connections" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "provider" character varying NOT NULL, "office_id" character varying NULL, "pms_practice_id" character varying NOT NULL DEFAULT '1', "secret_key" bytea NULL, "request_key" bytea NULL, "refresh_key" bytea NULL, "key_expires_at" timestamptz NULL, "status" character varying NOT NULL DEFAULT 'CONNECTED', "system" character varying NULL, "last_sync_at" timestamptz NULL, "last_full_sync_at" timestamptz NULL, "appointments_changed_since" timestamptz NULL, "last_error" character varying NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "pms_connections_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "pms_connection_one_per_practice" to table: "pms_connections"
CREATE UNIQUE INDEX "pms_connection_one_per_practice" ON "pms_connections" ("practice_id");
-- Create index "pmsconnection_practice_id" to table: "pms_connections"
CREATE INDEX "pmsconnection_practice_id" ON "pms_connections" ("practice_id");
-- Create "sync_runs" table
CREATE TABLE "sync_runs" ("id" character varying NOT NULL, "kind" character varying NOT NULL, "status" character varying NOT NULL DEFAULT 'RUNNING', "started_at" timestamptz NOT NULL, "finished_at" timestamptz NULL, "duration_ms" bigint NOT NULL DEFAULT 0, "providers" bigint NOT NULL DEFAULT 0, "operatories" bigint NOT NULL DEFAULT 0, "appointment_types" bigint NOT NULL DEFAULT 0, "patients" bigint NOT NULL DEFAULT 0, "appointments" bigint NOT NULL DEFAULT 0, "created" bigint NOT NULL DEFAULT 0, "updated" bigint NOT NULL DEFAULT 0, "removed" bigint NOT NULL DEFAULT 0, "error" character varying NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "sync_runs_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "syncrun_practice_id" to table: "sync_runs"
CREATE INDEX "syncrun_practice_id" ON "sync_runs" ("practice_id");
-- Create index "syncrun_practice_id_started_at" to table: "sync_runs"
CREATE INDEX "syncrun_practice_id_started_at" ON "sync_runs" ("practice_id", "started_at");
