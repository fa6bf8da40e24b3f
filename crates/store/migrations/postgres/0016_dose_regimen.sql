-- A dose period keeps the regimen as prescribed: the amount per administration (decimal text)
-- with its unit (CDISC UNIT), the frequency (CDISC FREQ submission value) and the protocol dose
-- level it is. The average mg/day of earlier periods stays in their trail and their row.
ALTER TABLE dose_period ALTER COLUMN daily_dose_mg DROP NOT NULL;
ALTER TABLE dose_period ADD COLUMN amount TEXT;
ALTER TABLE dose_period ADD COLUMN unit TEXT;
ALTER TABLE dose_period ADD COLUMN frequency TEXT;
ALTER TABLE dose_period ADD COLUMN dose_level TEXT;
