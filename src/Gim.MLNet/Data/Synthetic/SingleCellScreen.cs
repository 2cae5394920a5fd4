using System.Globalization;
using System.Text;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// A synthetic single-cell drug screen with the shape of sci-Plex3 (Srivatsan et al. 2020): raw counts of cells from
/// several cell lines under drugs at four doses or the vehicle, plus a per-drug descriptor table. Nothing in it is shaped
/// to GIM: the latent model may be nonlinear, the read-out is counts (negative binomial, varying library size), drugs act
/// through Hill curves, lines differ in baseline and sensitivity, and the descriptors may say little.
/// </summary>
/// <remarks>
/// Generative process (docs/single-cell.md): genes in a random order with a random DAG B (each earlier gene a regulator
/// with probability 2·ExpectedParents/(d − 1), so the mean in-degree is ExpectedParents; weights ±U(0.3, 0.8)). Line l
/// has baseline μ_l = μ₀ + δ_l (μ₀ ~ N(0, 1.2²), δ₀ = 0, δ_l ~ N(0, CellLineShift²)) and sensitivity s_l (1 for the first
/// line, U(0.5, 1) for others). Drug k has descriptors g_k ~ N(0, I); gene j a direction w_j ~ N(0, I); the score
/// r_kj = ρ·w_j·g_k/‖w_j‖ + √(1 − ρ²)·ξ_kj (ξ ~ N(0, 1)); its targets are the TargetsPerDrug genes of largest |r_kj|, with
/// maximal shift a_kj = EffectSize·r_kj/3; its potency log₁₀K_k = clamp(2.5 + 0.7(ρ·g_k1 + √(1 − ρ²)·ζ_k), 1, 4) (K in nM)
/// and steepness n_k = clamp(1.2·e^(0.3η_k), 0.6, 3). A cell of line l under drug k at dose c has latent log-expression
/// z_j = μ_lj + Σ_i B_ij f(z_i − μ_li) + s_l·a_kj·cⁿ/(Kⁿ + cⁿ) + ε_j, ε_j ~ N(0, NoiseSd²), f the identity or tanh (regulators
/// act through their deviation from the line's baseline); its library
/// size is L ~ MedianLibrarySize·e^(LibrarySizeLogSd·N(0,1)) and its counts x_j ~ NB(mean L·softmax(z)_j, θ = Dispersion).
/// </remarks>
public sealed class SingleCellScreen
{
    private SingleCellScreen(SingleCellScreenOptions options, SparseRows counts, string[] cells, string[] perturbation, double[] dose, string[] cellLine,
        string[] genes, string[] drugs, DescriptorTable descriptors, double[,] graph, double[][] maximalShifts, double[] halfEffectDose, double[] hillExponent)
    {
        Options = options;
        Counts = counts;
        CellNames = cells;
        Perturbation = perturbation;
        Dose = dose;
        CellLine = cellLine;
        GeneNames = genes;
        DrugNames = drugs;
        Descriptors = descriptors;
        Graph = graph;
        MaximalShifts = maximalShifts;
        HalfEffectDose = halfEffectDose;
        HillExponent = hillExponent;
    }

    /// <summary>The settings it was drawn with.</summary>
    public SingleCellScreenOptions Options { get; }

    /// <summary>Raw counts, cells × genes (whole numbers stored as float32, as anndata stores them).</summary>
    public SparseRows Counts { get; }

    /// <summary>Each cell's name (obs_names).</summary>
    public IReadOnlyList<string> CellNames { get; }

    /// <summary>Each cell's drug, or the vehicle label.</summary>
    public IReadOnlyList<string> Perturbation { get; }

    /// <summary>Each cell's dose in nM (0 for the vehicle).</summary>
    public IReadOnlyList<double> Dose { get; }

    /// <summary>Each cell's line.</summary>
    public IReadOnlyList<string> CellLine { get; }

    /// <summary>The genes' names.</summary>
    public IReadOnlyList<string> GeneNames { get; }

    /// <summary>The drugs' descriptors (key column "drug").</summary>
    public DescriptorTable Descriptors { get; }

    /// <summary>The true regulatory weights, genes × genes (row = regulator).</summary>
    public double[,] Graph { get; }

    /// <summary>Per drug, the maximal shift of each gene's mechanism (0 off target).</summary>
    public IReadOnlyList<double[]> MaximalShifts { get; }

    /// <summary>Per drug, its half-effect dose K in nM.</summary>
    public IReadOnlyList<double> HalfEffectDose { get; }

    /// <summary>Per drug, its Hill exponent n.</summary>
    public IReadOnlyList<double> HillExponent { get; }

    /// <summary>The drugs' names, Drug01, Drug02, ...</summary>
    public IReadOnlyList<string> DrugNames { get; }

    /// <summary>Draws a screen.</summary>
    /// <param name="options">The settings; validated first.</param>
    public static SingleCellScreen Generate(SingleCellScreenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int d = options.Genes, p = options.Descriptors, drugs = options.Drugs, lines = options.CellLines;
        double rho = options.DescriptorInformativeness, rest = Math.Sqrt(1 - rho * rho);
        var structure = new SeededRandom(options.Seed, 1);

        // Graph over a random order: B[order[a], order[b]] for a < b.
        int[] order = structure.Permutation(d);
        var graph = new double[d, d];
        double edgeProbability = d > 1 ? Math.Min(1, 2 * options.ExpectedParents / (d - 1)) : 0;
        for (int b = 1; b < d; b++)
            for (int a = 0; a < b; a++)
                if (structure.NextDouble() < edgeProbability)
                    graph[order[a], order[b]] = structure.Sign() * structure.Uniform(0.3, 0.8);
        var parents = new List<(int Parent, double Weight)>[d];
        for (int j = 0; j < d; j++)
        {
            parents[j] = new List<(int, double)>();
            for (int i = 0; i < d; i++)
                if (graph[i, j] != 0) parents[j].Add((i, graph[i, j]));
        }

        var baseline = new double[lines][];
        var sensitivity = new double[lines];
        double[] common = Enumerable.Range(0, d).Select(_ => 1.2 * structure.Normal()).ToArray();
        for (int l = 0; l < lines; l++)
        {
            baseline[l] = common.Select(m => l == 0 ? m : m + options.CellLineShift * structure.Normal()).ToArray();
            sensitivity[l] = l == 0 ? 1 : structure.Uniform(0.5, 1);
        }

        // Drugs: descriptors, scores, targets, shifts, potency.
        var direction = new double[d][];
        for (int j = 0; j < d; j++) direction[j] = Enumerable.Range(0, p).Select(_ => structure.Normal()).ToArray();
        var descriptorRows = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var shifts = new double[drugs][];
        var halfEffect = new double[drugs];
        var exponent = new double[drugs];
        string[] drugNames = Enumerable.Range(1, drugs).Select(k => $"Drug{k.ToString(drugs >= 100 ? "D3" : "D2", CultureInfo.InvariantCulture)}").ToArray();
        for (int k = 0; k < drugs; k++)
        {
            var rng = new SeededRandom(options.Seed, 2, (ulong)k);
            double[] g = Enumerable.Range(0, p).Select(_ => rng.Normal()).ToArray();
            descriptorRows[drugNames[k]] = g.Select(v => (float)v).ToArray();
            double[] score = new double[d];
            for (int j = 0; j < d; j++)
            {
                double dot = 0, norm = 0;
                for (int q = 0; q < p; q++)
                {
                    dot += direction[j][q] * g[q];
                    norm += direction[j][q] * direction[j][q];
                }
                score[j] = rho * dot / Math.Sqrt(norm) + rest * rng.Normal();
            }
            shifts[k] = new double[d];
            foreach (int j in Enumerable.Range(0, d).OrderByDescending(j => Math.Abs(score[j])).ThenBy(j => j).Take(options.TargetsPerDrug))
                shifts[k][j] = options.EffectSize * score[j] / 3;
            halfEffect[k] = Math.Pow(10, Math.Clamp(2.5 + 0.7 * (rho * g[0] + rest * rng.Normal()), 1, 4));
            exponent[k] = Math.Clamp(1.2 * Math.Exp(0.3 * rng.Normal()), 0.6, 3);
        }

        // Conditions: per line, the vehicle, then every drug at every dose.
        var conditions = new List<(int Line, int Drug, double Dose, int Cells)>();
        for (int l = 0; l < lines; l++)
        {
            conditions.Add((l, -1, 0, options.VehicleCellsPerLine));
            for (int k = 0; k < drugs; k++)
                foreach (double c in options.Doses) conditions.Add((l, k, c, options.CellsPerCondition));
        }
        int n = conditions.Sum(c => c.Cells);
        var data = new List<float>(n * Math.Min(d, 64));
        var indices = new List<int>(n * Math.Min(d, 64));
        var starts = new long[n + 1];
        var names = new string[n];
        var perturbation = new string[n];
        var doses = new double[n];
        var lineOf = new string[n];
        string[] lineNames = Enumerable.Range(0, lines).Select(l => $"Line{(char)('A' + l % 26)}{(l >= 26 ? (l / 26).ToString(CultureInfo.InvariantCulture) : "")}").ToArray();
        var z = new double[d];
        var effect = new double[d];
        int cell = 0;
        foreach (var (line, drug, dose, count) in conditions)
        {
            double fraction = drug < 0 ? 0 : Math.Pow(dose, exponent[drug]) / (Math.Pow(halfEffect[drug], exponent[drug]) + Math.Pow(dose, exponent[drug]));
            for (int j = 0; j < d; j++) effect[j] = drug < 0 ? 0 : sensitivity[line] * shifts[drug][j] * fraction;
            for (int i = 0; i < count; i++, cell++)
            {
                var rng = new SeededRandom(options.Seed, 3, (ulong)cell);
                foreach (int j in order)
                {
                    double value = baseline[line][j] + effect[j] + options.NoiseSd * rng.Normal();
                    foreach (var (parent, weight) in parents[j])
                        value += weight * (options.Mechanism == MechanismKind.Linear ? z[parent] - baseline[line][parent] : Math.Tanh(z[parent] - baseline[line][parent]));
                    z[j] = value;
                }
                double max = z.Max(), total = 0;
                for (int j = 0; j < d; j++) total += Math.Exp(z[j] - max);
                double library = options.MedianLibrarySize * Math.Exp(options.LibrarySizeLogSd * rng.Normal());
                for (int j = 0; j < d; j++)
                {
                    long k = CountSampler.NegativeBinomial(rng, library * Math.Exp(z[j] - max) / total, options.Dispersion);
                    if (k == 0) continue;
                    data.Add(k);
                    indices.Add(j);
                }
                starts[cell + 1] = data.Count;
                names[cell] = $"cell{cell}";
                perturbation[cell] = drug < 0 ? options.VehicleLabel : drugNames[drug];
                doses[cell] = dose;
                lineOf[cell] = lineNames[line];
            }
        }
        string[] genes = Enumerable.Range(1, d).Select(j => $"G{j.ToString("D4", CultureInfo.InvariantCulture)}").ToArray();
        var table = new DescriptorTable("descriptors", "drug", Enumerable.Range(1, p).Select(q => $"desc{q}").ToArray(), descriptorRows);
        return new SingleCellScreen(options, new SparseRows(n, d, data.ToArray(), indices.ToArray(), starts), names, perturbation, doses, lineOf, genes,
            drugNames, table, graph, shifts, halfEffect, exponent);
    }

    /// <summary>
    /// Writes the cells as an AnnData file (X: the counts as CSR float32; obs: <c>product_name</c> and <c>cell_type</c>
    /// categorical, <c>dose</c> float64 in nM; var names G0001, ...), atomically.
    /// </summary>
    /// <param name="path">The .h5ad file.</param>
    public void WriteH5ad(string path) => WriteH5ad(path, _ => true);

    /// <summary>Writes the cells for which <paramref name="keep"/> holds (by cell index), as <see cref="WriteH5ad(string)"/>.</summary>
    /// <param name="path">The .h5ad file.</param>
    /// <param name="keep">Which cells to write.</param>
    public void WriteH5ad(string path, Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        int[] rows = Enumerable.Range(0, Counts.Rows).Where(keep).ToArray();
        if (rows.Length == 0) throw new ArgumentException("No cell is kept; the file would be empty.", nameof(keep));
        var starts = new long[rows.Length + 1];
        var data = new List<float>();
        var indices = new List<int>();
        for (int r = 0; r < rows.Length; r++)
        {
            for (long k = Counts.RowStarts[rows[r]]; k < Counts.RowStarts[rows[r] + 1]; k++)
            {
                data.Add(Counts.Data[k]);
                indices.Add(Counts.ColumnIndices[k]);
            }
            starts[r + 1] = data.Count;
        }
        AnnDataWriter.Write(path, new SparseRows(rows.Length, Counts.Columns, data.ToArray(), indices.ToArray(), starts), rows.Select(i => CellNames[i]).ToArray(),
            GeneNames, new[]
            {
                AnnDataWriteColumn.Categorical("product_name", rows.Select(i => Perturbation[i]).ToArray()),
                AnnDataWriteColumn.Numeric("dose", rows.Select(i => Dose[i]).ToArray()),
                AnnDataWriteColumn.Categorical("cell_type", rows.Select(i => CellLine[i]).ToArray()),
            });
    }

    /// <summary>Writes the descriptor table as CSV (<c>drug,desc1,...</c>), atomically.</summary>
    /// <param name="path">The .csv file.</param>
    public void WriteDescriptors(string path)
    {
        var text = new StringBuilder("drug," + string.Join(",", Descriptors.FeatureNames) + "\n");
        foreach (string drug in DrugNames)
            text.Append(drug).Append(',').AppendJoin(",", Descriptors[drug].Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
