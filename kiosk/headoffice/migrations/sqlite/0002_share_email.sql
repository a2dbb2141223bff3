-- Whether each attendee agreed that sponsors whose booth scans them get their e-mail address
-- ('yes', 'no', or '' when never asked), as imported or answered at a self-service screen.
ALTER TABLE attendee ADD COLUMN share_email TEXT NOT NULL DEFAULT '';
