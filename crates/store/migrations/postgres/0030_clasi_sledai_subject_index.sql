-- CLASI and SLEDAI-2K rows were indexed by visit only, unlike every other subject's record. A
-- change to a subject asks which kinds of record it holds (`EXISTS ... WHERE subject_id = ?`),
-- and for these two tables that read the whole table: at 40,000 simulated patients (1.2 million
-- CLASI rows) entering a patient had slowed from 34 to 8 a second, most of it in that scan.
CREATE INDEX clasi_subject ON clasi (subject_id);
CREATE INDEX sledai_subject ON sledai (subject_id);
