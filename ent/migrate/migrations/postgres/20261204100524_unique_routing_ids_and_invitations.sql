-- Drop index "agent_vapi_assistant_id" from table: "agents"
DROP INDEX "agent_vapi_assistant_id";
-- Create index "agent_vapi_assistant_id" to table: "agents"
CREATE UNIQUE INDEX "agent_vapi_assistant_id" ON "agents" ("vapi_assistant_id") WHERE ((vapi_assistant_id)::text <> ''::text);
-- Drop index "phonenumber_vapi_phone_number_id" from table: "phone_numbers"
DROP INDEX "phonenumber_vapi_phone_number_id";
-- Create index "phonenumber_vapi_phone_number_id" to table: "phone_numbers"
CREATE UNIQUE INDEX "phonenumber_vapi_phone_number_id" ON "phone_numbers" ("vapi_phone_number_id") WHERE ((vapi_phone_number_id)::text <> ''::text);
-- Create index "phonenumber_twilio_sid" to table: "phone_numbers"
CREATE UNIQUE INDEX "phonenumber_twilio_sid" ON "phone_numbers" ("twilio_sid") WHERE ((twilio_sid)::text <> ''::text);
-- Create "invitations" table
CREATE TABLE "invitations" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "email" character varying NOT NULL, "role" character varying NOT NULL, "invited_by" character varying NOT NULL DEFAULT '', "expires_at" timestamptz NOT NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "invitations_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "invitation_email" to table: "invitations"
CREATE INDEX "invitation_email" ON "invitations" ("email");
-- Create index "invitation_practice_id" to table: "invitations"
CREATE INDEX "invitation_practice_id" ON "invitations" ("practice_id");
-- Create index "invitation_practice_id_email" to table: "invitations"
CREATE UNIQUE INDEX "invitation_practice_id_email" ON "invitations" ("practice_id", "email");
