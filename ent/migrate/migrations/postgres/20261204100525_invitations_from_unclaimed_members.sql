-- Written by hand. Before invitations existed, an invitation was a member row
-- with no subject, joined at sign-in without asking. Each becomes a pending
-- invitation, valid for seven days from now (practice.InvitationTTL), which
-- its invitee accepts or declines.
INSERT INTO invitations (id, created_at, updated_at, email, role, invited_by, expires_at, practice_id) SELECT 'inv_' || substr(id, 5), created_at, updated_at, email, role, '', now() + interval '7 days', practice_id FROM members WHERE subject IS NULL AND email IS NOT NULL AND email <> '';
DELETE FROM members WHERE subject IS NULL;
