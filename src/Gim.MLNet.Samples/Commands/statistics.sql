-- GIM's sufficient statistics from cells in long form, as one GROUP BY pipeline (docs/statistics.md).
-- Standard SQL (GROUP BY, joins, count/sum/coalesce/CAST): DuckDB runs it here (`sql-statistics`). For Spark SQL write each
-- CREATE TEMP TABLE ... AS as CACHE TABLE ... AS (not run here: no cluster). It reads tables or views named
--   obs(cell, context)                        one row per cell: the context it was measured in
--   x(cell, variable, value)                  one row per measured value; zeros may be left out (sparse counts)
--   targets(context, variable)                the variables each context's perturbation targets, for known knockdowns
--                                             (a feature named like a variable, not zero); may be empty, and names that
--                                             are no variable of x are ignored
-- and produce the three tables below, which with the contexts table (context, group, is_control, features) and a cell count
-- per context are the four files PerturbationStatistics.Read takes. Sums are in DOUBLE; the within-context covariance is
-- the stored products minus the products of the means, which loses nothing in double for expression-like data.

CREATE TEMP TABLE gim_n AS
  SELECT context, CAST(count(*) AS BIGINT) AS n_cells FROM obs GROUP BY context;

CREATE TEMP TABLE gim_variables AS
  SELECT DISTINCT variable FROM x;

-- Each context's mean of each variable (a value left out is a zero).
CREATE TEMP TABLE gim_means AS
  SELECT n.context, v.variable, coalesce(s.total, 0) / n.n_cells AS mean
  FROM gim_n n CROSS JOIN gim_variables v
  LEFT JOIN (SELECT o.context, x.variable, sum(CAST(x.value AS DOUBLE)) AS total
             FROM x JOIN obs o ON o.cell = x.cell GROUP BY o.context, x.variable) s
    ON s.context = n.context AND s.variable = v.variable;

-- moments: the variance in two passes, Σ (x − m)² over the stored values plus m² for each value left out, over n.
CREATE TEMP TABLE gim_moments AS
  SELECT m.context, m.variable, m.mean,
         (coalesce(d.squares, 0) + (n.n_cells - coalesce(d.stored, 0)) * m.mean * m.mean) / n.n_cells AS variance
  FROM gim_means m JOIN gim_n n ON n.context = m.context
  LEFT JOIN (SELECT o.context, x.variable, sum((CAST(x.value AS DOUBLE) - g.mean) * (CAST(x.value AS DOUBLE) - g.mean)) AS squares, count(*) AS stored
             FROM x JOIN obs o ON o.cell = x.cell JOIN gim_means g ON g.context = o.context AND g.variable = x.variable
             GROUP BY o.context, x.variable) d
    ON d.context = m.context AND d.variable = m.variable;

-- covariance: C_k = (1/n_k) Σ x_a x_b − m_a m_b per context; equal_weighted = Σ_k C_k / K, cell_weighted = Σ_k n_k C_k / N.
CREATE TEMP TABLE gim_products AS
  SELECT p.variable_a, p.variable_b, sum(p.product / n.n_cells) AS per_cell, sum(p.product) AS total
  FROM (SELECT o.context, a.variable AS variable_a, b.variable AS variable_b, sum(CAST(a.value AS DOUBLE) * CAST(b.value AS DOUBLE)) AS product
        FROM x a JOIN x b ON a.cell = b.cell AND a.variable <= b.variable JOIN obs o ON o.cell = a.cell
        GROUP BY o.context, a.variable, b.variable) p
  JOIN gim_n n ON n.context = p.context
  GROUP BY p.variable_a, p.variable_b;

CREATE TEMP TABLE gim_covariance AS
  SELECT mm.variable_a, mm.variable_b,
         (coalesce(p.per_cell, 0) - mm.equal) / (SELECT count(*) FROM gim_n) AS equal_weighted,
         (coalesce(p.total, 0) - mm.cells) / (SELECT sum(n_cells) FROM gim_n) AS cell_weighted
  FROM (SELECT a.variable AS variable_a, b.variable AS variable_b, sum(a.mean * b.mean) AS equal, sum(n.n_cells * a.mean * b.mean) AS cells
        FROM gim_means a JOIN gim_means b ON a.context = b.context AND a.variable <= b.variable JOIN gim_n n ON n.context = a.context
        GROUP BY a.variable, b.variable) mm
  LEFT JOIN gim_products p ON p.variable_a = mm.variable_a AND p.variable_b = mm.variable_b;

-- target_rows: for each target a context names, its row of that context's covariance, C_k[a, b] = (1/n_k) Σ x_a x_b − m_a m_b
-- for every variable b (what a known-knockdown fit reads of the context besides its means and the pool).
CREATE TEMP TABLE gim_targets AS
  SELECT DISTINCT t.context, t.variable FROM targets t JOIN gim_variables v ON v.variable = t.variable;

CREATE TEMP TABLE gim_target_rows AS
  SELECT t.context, t.variable AS target, m.variable, coalesce(p.product, 0) / n.n_cells - ma.mean * m.mean AS covariance
  FROM gim_targets t
  JOIN gim_n n ON n.context = t.context
  JOIN gim_means ma ON ma.context = t.context AND ma.variable = t.variable
  JOIN gim_means m ON m.context = t.context
  LEFT JOIN (SELECT o.context, a.variable AS target, b.variable, sum(CAST(a.value AS DOUBLE) * CAST(b.value AS DOUBLE)) AS product
             FROM gim_targets tt JOIN obs o ON o.context = tt.context
             JOIN x a ON a.cell = o.cell AND a.variable = tt.variable
             JOIN x b ON b.cell = o.cell
             GROUP BY o.context, a.variable, b.variable) p
    ON p.context = t.context AND p.target = t.variable AND p.variable = m.variable;
