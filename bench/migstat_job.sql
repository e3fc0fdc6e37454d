-- The migstat job (contract sections 4 and 5) written as one DuckDB SQL script: what an
-- analyst would write instead of running `migstat run`. For every cell of the 18 DF_MST_*
-- dataflows it computes the same weighted numerator, weighted denominator and unweighted
-- count as migstat's tabulate/estimates.parquet (tests/python/test_bench_sql.py checks it
-- cell by cell), so that bench/run_bench.py times equal work.
--
-- Before running it, the caller (bench/duckdb_job.py) defines:
--   core        a view of the microdata in the ICLS core record: read_csv(..., all_varchar)
--               for CSV, read_parquet(...) for Parquet. Not stated = NULL (DuckDB reads an
--               empty CSV field as NULL). The columns usual_resident, lfs_status and all the
--               question items must be present (the synthetic files have them all).
--   age_bands   codelists/age_bands.csv (code, min_age, max_age; max_age NULL = no limit)
--   VARIABLE ref_area   the reporting country, e.g. 'PHL'
-- and reads the result from the table job_estimates (DATAFLOW, SEX, AGE, CBR, CCT,
-- weighted_numerator, weighted_denominator, n_unweighted), one row per published cell.
--
-- Unlike migstat it does not validate the records (contract section 3), writes no
-- ingest / derive artefacts, no manifest and no SDMX: it is the arithmetic alone.

-- A flag is 'Y' in CSV text and true in a Parquet Boolean column.
CREATE OR REPLACE TEMP MACRO yes(x) AS coalesce(CAST(x AS VARCHAR) IN ('Y', 'true'), false);
-- Empty or blank text is "not stated", as in migstat.
CREATE OR REPLACE TEMP MACRO stated(x) AS nullif(trim(CAST(x AS VARCHAR)), '');

-- Stage 2 (derive), for in-scope persons. Scope of every stock table: usual_resident != N,
-- weight > 0, age stated and >= 15. Out-of-scope persons only ever add zeros to migstat's
-- sums, so they are filtered out here instead of being zeroed.
CREATE OR REPLACE TEMP VIEW derived AS
SELECT
    weight,
    'SEX_' || sex AS sex,
    age,
    -- Place of birth (CL_CBR): ref_area native, empty not stated, anything else (XXX too)
    -- foreign.
    CASE
        WHEN country_of_birth = getvariable('ref_area') THEN 'CBR_BIR_NATIVE'
        WHEN country_of_birth IS NULL THEN 'CBR_BIR_X'
        ELSE 'CBR_BIR_FOREIGN'
    END AS cbr,
    -- Citizenship (CL_CCT): either citizenship is ref_area: citizen; else the first one
    -- empty: not stated; else (XXA stateless and XXX too): non-citizen.
    CASE
        WHEN country_of_citizenship = getvariable('ref_area')
          OR citizenship_2 = getvariable('ref_area') THEN 'CCT_CIT_CITIZEN'
        WHEN country_of_citizenship IS NULL THEN 'CCT_CIT_X'
        ELSE 'CCT_CIT_NONCIT'
    END AS cct,
    -- Labour force status: the first rule that matches.
    CASE
        WHEN lfs_status IS NOT NULL THEN lfs_status                                    -- 1
        WHEN yes(worked) THEN 'EMP'                                                    -- 2
        WHEN yes(absent) AND stated(absence_reason)
             IN ('SICK', 'LEAVE', 'MATERNITY', 'ARRANGEMENT', 'TRAINING') THEN 'EMP'    -- 3
        WHEN yes(absent) AND (yes(absence_paid) OR yes(absence_return_3m)) THEN 'EMP'  -- 4
        WHEN yes(searched) AND yes(available) THEN 'UNE'                               -- 5
        WHEN yes(future_start) AND yes(available) THEN 'UNE'                           -- 6
        ELSE 'OLF'                                                                     -- 7
    END AS lfs
FROM (
    SELECT
        CAST(weight AS DECIMAL(38, 9)) AS weight,          -- exact decimals, as migstat
        CAST(age AS INTEGER) AS age,
        stated(sex) AS sex,
        stated(country_of_birth) AS country_of_birth,
        stated(citizenship) AS country_of_citizenship,
        stated(citizenship_2) AS citizenship_2,
        stated(lfs_status) AS lfs_status,
        usual_resident, worked, absent, absence_reason, absence_paid, absence_return_3m,
        searched, available, future_start
    FROM core
) AS persons
WHERE NOT coalesce(stated(usual_resident) IN ('N', 'false'), false)
  AND weight > 0
  AND age >= 15;

-- The AGE codes an age falls in (overlapping bands: one row per band), for every age.
CREATE OR REPLACE TEMP TABLE age_to_band AS
SELECT a.age, b.code
FROM range(0, 131) AS a(age)
JOIN age_bands AS b
  ON a.age >= b.min_age AND (b.max_age IS NULL OR a.age <= b.max_age);

-- Stage 3 (tabulate): one pass, the six grouping sets of the 18 dataflows (each dataflow
-- groups AGE always, and SEX and its migrant axis or rolls them up). Per labour force
-- status: the sum of weights and the number of records.
CREATE OR REPLACE TEMP TABLE cells AS
SELECT
    sex, b.code AS age, cbr, cct,
    grouping(cbr) AS g_cbr,
    grouping(cct) AS g_cct,
    coalesce(sum(weight) FILTER (WHERE lfs = 'EMP'), 0) AS w_emp,
    coalesce(sum(weight) FILTER (WHERE lfs = 'UNE'), 0) AS w_une,
    coalesce(sum(weight) FILTER (WHERE lfs = 'OLF'), 0) AS w_olf,
    count(*) FILTER (WHERE lfs = 'EMP') AS n_emp,
    count(*) FILTER (WHERE lfs = 'UNE') AS n_une,
    count(*) FILTER (WHERE lfs = 'OLF') AS n_olf
FROM derived AS d
JOIN age_to_band AS b ON d.age = b.age
GROUP BY GROUPING SETS (
    (sex, b.code, cbr), (b.code, cbr), (sex, b.code, cct), (b.code, cct),
    (sex, b.code), (b.code)
);

-- The cells by migrant axis, a rolled-up dimension becoming its total code. The sets
-- without either axis are the CBR_BIR_TOTAL and the CCT_CIT_TOTAL cells alike.
CREATE OR REPLACE TEMP VIEW axis_cells AS
SELECT 'CBR' AS axis, coalesce(sex, 'SEX_T') AS sex, age,
       coalesce(cbr, 'CBR_BIR_TOTAL') AS code,
       w_emp, w_une, w_olf, n_emp, n_une, n_olf
FROM cells WHERE g_cct = 1
UNION ALL
SELECT 'CCT', coalesce(sex, 'SEX_T'), age, coalesce(cct, 'CCT_CIT_TOTAL'),
       w_emp, w_une, w_olf, n_emp, n_une, n_olf
FROM cells WHERE g_cbr = 1;

-- The measures (schemas/dataflows.toml): which statuses make the numerator and, for a
-- rate, the denominator.
CREATE OR REPLACE TEMP TABLE measures AS
SELECT * FROM (VALUES
    ('XWAP', 'NB', true,  true,  true,  false, false, false),
    ('TEAP', 'NB', true,  true,  false, false, false, false),
    ('TEMP', 'NB', true,  false, false, false, false, false),
    ('TUNE', 'NB', false, true,  false, false, false, false),
    ('TEIP', 'NB', false, false, true,  false, false, false),
    ('TEAP', 'RT', true,  true,  false, true,  true,  true),
    ('TEMP', 'RT', true,  false, false, true,  true,  true),
    ('TUNE', 'RT', false, true,  false, true,  true,  false),
    ('TEIP', 'RT', false, false, true,  true,  true,  true)
) AS m(indicator, unit, num_emp, num_une, num_olf, den_emp, den_une, den_olf);

-- Every code of every dimension (contract section 5); SEX_O only where an in-scope
-- record has sex O.
CREATE OR REPLACE TEMP TABLE sex_codes AS
SELECT * FROM (VALUES ('SEX_T'), ('SEX_M'), ('SEX_F')) AS s(code)
UNION ALL
SELECT 'SEX_O' WHERE EXISTS (SELECT 1 FROM derived WHERE sex = 'SEX_O');

CREATE OR REPLACE TEMP TABLE axis_codes AS
SELECT * FROM (VALUES
    ('CBR', 'CBR_BIR_TOTAL'), ('CBR', 'CBR_BIR_NATIVE'), ('CBR', 'CBR_BIR_FOREIGN'),
    ('CBR', 'CBR_BIR_X'),
    ('CCT', 'CCT_CIT_TOTAL'), ('CCT', 'CCT_CIT_CITIZEN'), ('CCT', 'CCT_CIT_NONCIT'),
    ('CCT', 'CCT_CIT_X')
) AS x(axis, code);

-- Every combination of codes of every dataflow; an empty cell is a real 0, and a rate
-- whose denominator is 0 has no observation.
CREATE OR REPLACE TEMP TABLE job_estimates AS
WITH grid AS (
    SELECT m.*, x.axis, s.code AS sex, b.code AS age, x.code AS axis_code,
           'DF_MST_' || m.indicator || '_SEX_AGE_' || x.axis || '_' || m.unit AS dataflow
    FROM measures AS m
    CROSS JOIN sex_codes AS s
    CROSS JOIN (SELECT code FROM age_bands) AS b
    CROSS JOIN axis_codes AS x
),
summed AS (
    SELECT g.dataflow, g.axis, g.sex, g.age, g.axis_code, g.unit,
        CASE WHEN g.num_emp THEN coalesce(c.w_emp, 0) ELSE 0 END
          + CASE WHEN g.num_une THEN coalesce(c.w_une, 0) ELSE 0 END
          + CASE WHEN g.num_olf THEN coalesce(c.w_olf, 0) ELSE 0 END AS num_w,
        CASE WHEN g.den_emp THEN coalesce(c.w_emp, 0) ELSE 0 END
          + CASE WHEN g.den_une THEN coalesce(c.w_une, 0) ELSE 0 END
          + CASE WHEN g.den_olf THEN coalesce(c.w_olf, 0) ELSE 0 END AS den_w,
        CASE WHEN g.num_emp THEN coalesce(c.n_emp, 0) ELSE 0 END
          + CASE WHEN g.num_une THEN coalesce(c.n_une, 0) ELSE 0 END
          + CASE WHEN g.num_olf THEN coalesce(c.n_olf, 0) ELSE 0 END AS num_n,
        CASE WHEN g.den_emp THEN coalesce(c.n_emp, 0) ELSE 0 END
          + CASE WHEN g.den_une THEN coalesce(c.n_une, 0) ELSE 0 END
          + CASE WHEN g.den_olf THEN coalesce(c.n_olf, 0) ELSE 0 END AS den_n
    FROM grid AS g
    LEFT JOIN axis_cells AS c
      ON c.axis = g.axis AND c.sex = g.sex AND c.age = g.age AND c.code = g.axis_code
)
SELECT
    dataflow AS "DATAFLOW",
    sex AS "SEX",
    age AS "AGE",
    CASE WHEN axis = 'CBR' THEN axis_code END AS "CBR",
    CASE WHEN axis = 'CCT' THEN axis_code END AS "CCT",
    CAST(num_w AS DECIMAL(38, 9)) AS weighted_numerator,
    CASE WHEN unit = 'RT' THEN CAST(den_w AS DECIMAL(38, 9)) END AS weighted_denominator,
    CASE WHEN unit = 'RT' THEN den_n ELSE num_n END AS n_unweighted
FROM summed
WHERE unit = 'NB' OR den_w <> 0;
