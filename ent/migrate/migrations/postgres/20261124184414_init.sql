-- Create "practices" table
CREATE TABLE "practices" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "name" character varying NOT NULL, "time_zone" character varying NOT NULL, "front_desk_number" character varying NULL, PRIMARY KEY ("id"));
-- Create "members" table
CREATE TABLE "members" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "subject" character varying NULL, "email" character varying NULL, "role" character varying NOT NULL, "joined_at" timestamptz NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "members_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "member_email" to table: "members"
CREATE INDEX "member_email" ON "members" ("email");
-- Create index "member_practice_id" to table: "members"
CREATE INDEX "member_practice_id" ON "members" ("practice_id");
-- Create index "member_practice_id_email" to table: "members"
CREATE UNIQUE INDEX "member_practice_id_email" ON "members" ("practice_id", "email");
-- Create index "member_practice_id_subject" to table: "members"
CREATE UNIQUE INDEX "member_practice_id_subject" ON "members" ("practice_id", "subject");
-- Create index "member_subject" to table: "members"
CREATE INDEX "member_subject" ON "members" ("subject");
