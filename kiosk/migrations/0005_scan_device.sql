-- Which device or staff member sent a scan ('token:<id>' or 'staff:<id>'): a retried op_id is
-- answered only to the device that sent it, so nobody learns another device's answer.
ALTER TABLE scan ADD COLUMN device TEXT NOT NULL DEFAULT '';
