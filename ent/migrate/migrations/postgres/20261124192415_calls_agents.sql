-- Modify "practices" table
ALTER TABLE "practices" ADD COLUMN "schedule_version" bigint NOT NULL DEFAULT 0;
-- Create "agents" table
CREATE TABLE "agents" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL DEFAULT 'Receptionist', "greeting" character varying NOT NULL DEFAULT '', "voice_provider" character varying NOT NULL DEFAULT 'vapi', "voice_id" character varying NOT NULL DEFAULT 'Elliot', "transfer_number" character varying NOT NULL DEFAULT '', "extra_instructions" text NOT NULL DEFAULT '', "enabled" boolean NOT NULL DEFAULT true, "vapi_assistant_id" character varying NOT NULL DEFAULT '', "vapi_tool_ids" jsonb NULL, "provisioned_at" timestamptz NULL, "provision_error" character varying NOT NULL DEFAULT '', "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "agents_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "agent_one_per_practice" to table: "agents"
CREATE UNIQUE INDEX "agent_one_per_practice" ON "agents" ("practice_id");
-- Create index "agent_practice_id" to table: "agents"
CREATE INDEX "agent_practice_id" ON "agents" ("practice_id");
-- Create index "agent_vapi_assistant_id" to table: "agents"
CREATE INDEX "agent_vapi_assistant_id" ON "agents" ("vapi_assistant_id");
-- Create "calls" table
CREATE TABLE "calls" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "vapi_call_id" character varying NOT NULL, "twilio_call_sid" character varying NOT NULL DEFAULT '', "caller_number" character varying NOT NULL DEFAULT '', "status" character varying NOT NULL DEFAULT '', "started_at" timestamptz NULL, "ended_at" timestamptz NULL, "duration_seconds" bigint NOT NULL DEFAULT 0, "ended_reason" character varying NOT NULL DEFAULT '', "outcome" character varying NULL, "summary" text NOT NULL DEFAULT '', "transcript" text NOT NULL DEFAULT '', "recording_url" character varying NOT NULL DEFAULT '', "cost" double precision NOT NULL DEFAULT 0, "practice_id" character varying NOT NULL, "verified_patient_id" character varying NULL, PRIMARY KEY ("id"), CONSTRAINT "calls_patients_verified_patient" FOREIGN KEY ("verified_patient_id") REFERENCES "patients" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, CONSTRAINT "calls_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "call_practice_id" to table: "calls"
CREATE INDEX "call_practice_id" ON "calls" ("practice_id");
-- Create index "call_practice_id_started_at" to table: "calls"
CREATE INDEX "call_practice_id_started_at" ON "calls" ("practice_id", "started_at");
-- Create index "call_vapi_call_id" to table: "calls"
CREATE UNIQUE INDEX "call_vapi_call_id" ON "calls" ("vapi_call_id");
-- Create "phone_numbers" table
CREATE TABLE "phone_numbers" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "number" character varying NOT NULL, "twilio_sid" character varying NOT NULL DEFAULT '', "vapi_phone_number_id" character varying NOT NULL DEFAULT '', "routing" character varying NOT NULL DEFAULT 'AGENT', "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "phone_numbers_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "phonenumber_number" to table: "phone_numbers"
CREATE UNIQUE INDEX "phonenumber_number" ON "phone_numbers" ("number");
-- Create index "phonenumber_practice_id" to table: "phone_numbers"
CREATE INDEX "phonenumber_practice_id" ON "phone_numbers" ("practice_id");
-- Create index "phonenumber_vapi_phone_number_id" to table: "phone_numbers"
CREATE INDEX "phonenumber_vapi_phone_number_id" ON "phone_numbers" ("vapi_phone_number_id");
-- Create "tool_invocations" table
CREATE TABLE "tool_invocations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "tool_call_id" character varying NOT NULL, "tool" character varying NOT NULL, "outcome" character varying NOT NULL, "result" text NOT NULL DEFAULT '', "latency_ms" bigint NOT NULL DEFAULT 0, "practice_id" character varying NOT NULL, "call_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "tool_invocations_calls_call" FOREIGN KEY ("call_id") REFERENCES "calls" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "tool_invocations_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "toolinvocation_practice_id" to table: "tool_invocations"
CREATE INDEX "toolinvocation_practice_id" ON "tool_invocations" ("practice_id");
-- Create index "toolinvocation_practice_id_tool_call_id" to table: "tool_invocations"
CREATE UNIQUE INDEX "toolinvocation_practice_id_tool_call_id" ON "tool_invocations" ("practice_id", "tool_call_id");
