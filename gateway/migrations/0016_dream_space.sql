-- 筑梦空间's dashboard figures (issue 19), kept per district by the dream-space projection
-- (gateway/projections/dream_space.py) in its own transaction: projects applied, supported and still running
-- (active), ended. No youth id: a person's erasure leaves them.
CREATE TABLE IF NOT EXISTS ds_project_counts (
    district  text PRIMARY KEY,
    applied   integer NOT NULL DEFAULT 0,
    active    integer NOT NULL DEFAULT 0,
    completed integer NOT NULL DEFAULT 0,
    stopped   integer NOT NULL DEFAULT 0
);

-- Internships offered by partner companies (open offers and their places), per district.
CREATE TABLE IF NOT EXISTS ds_internship_counts (
    district     text PRIMARY KEY,
    open_offers  integer NOT NULL DEFAULT 0,
    open_places  integer NOT NULL DEFAULT 0
);
