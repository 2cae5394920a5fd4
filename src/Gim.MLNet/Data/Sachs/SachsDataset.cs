using Gim.MLNet.Data.Csv;

namespace Gim.MLNet.Data.Sachs;

/// <summary>
/// Sachs, Perez, Pe'er, Lauffenburger and Nolan (2005), "Causal protein-signaling networks derived
/// from multiparameter single-cell data", Science 308:523–529: 11 phosphoproteins and
/// phospholipids measured by flow cytometry in 7,466 human CD4+ T cells under 9 stimulation and
/// inhibition conditions. Shipped inside this assembly (no licence accompanies the data; cite the
/// paper when you use it; see Data/Sachs/README.md), with the 17-edge consensus graph and the
/// reagents' nominal targets.
/// </summary>
public static class SachsDataset
{
    /// <summary>The control condition (general T-cell stimulation, CD3/CD28 only).</summary>
    public const string ControlCondition = "cd3cd28";

    /// <summary>The 11 measured variables, in the order of every matrix this class returns.</summary>
    public static IReadOnlyList<string> VariableNames { get; } =
        new[] { "Raf", "Mek", "Plcg", "PIP2", "PIP3", "Erk", "Akt", "PKA", "PKC", "P38", "Jnk" };

    /// <summary>The 9 reagent indicators (1 = present): the perturbation features.</summary>
    public static IReadOnlyList<string> ReagentNames { get; } =
        new[] { "CD3CD28", "ICAM2", "AKTinh", "G0076", "Psitect", "U0126", "LY294002", "PMA", "b2cAMP" };

    /// <summary>The 9 conditions, in file order (the control first).</summary>
    public static IReadOnlyList<string> ConditionNames { get; } = new[]
    {
        "cd3cd28", "cd3cd28+icam2", "cd3cd28+aktinhib", "cd3cd28+g0076", "cd3cd28+psitect",
        "cd3cd28+u0126", "cd3cd28+ly294002", "pma", "b2camp",
    };

    /// <summary>The number of cells of each condition, as the data README lists them.</summary>
    public static IReadOnlyDictionary<string, int> CellCounts { get; } = new Dictionary<string, int>
    {
        ["cd3cd28"] = 853, ["cd3cd28+icam2"] = 902, ["cd3cd28+aktinhib"] = 911, ["cd3cd28+g0076"] = 723,
        ["cd3cd28+psitect"] = 810, ["cd3cd28+u0126"] = 799, ["cd3cd28+ly294002"] = 848, ["pma"] = 913, ["b2camp"] = 707,
    };

    /// <summary>
    /// The variables each condition nominally targets (Sachs et al.). The inhibitors act on a
    /// protein's activity, so the measured phosphorylation of a target may move either way: judge
    /// recovery as "the intervened mechanism". LY294002 inhibits PI3K, which is not measured; its
    /// direct product PIP3 is the target here, and Akt (downstream of PIP3, already in the graph)
    /// is not, so a method is not credited for a downstream effect. cd3cd28 and cd3cd28+icam2 are
    /// general stimulations with no target.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> NominalTargets { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["cd3cd28"] = Array.Empty<string>(),
        ["cd3cd28+icam2"] = Array.Empty<string>(),
        ["cd3cd28+aktinhib"] = new[] { "Akt" },
        ["cd3cd28+g0076"] = new[] { "PKC" },
        ["cd3cd28+psitect"] = new[] { "PIP2" },
        ["cd3cd28+u0126"] = new[] { "Mek" },
        ["cd3cd28+ly294002"] = new[] { "PIP3" },
        ["pma"] = new[] { "PKC" },
        ["b2camp"] = new[] { "PKA" },
    };

    /// <summary>The 7 conditions with a nominal target (target-recovery AUROC/AUPRC is computed over these × 11 variables).</summary>
    public static IReadOnlyList<string> TargetedConditions { get; } =
        ConditionNames.Where(c => NominalTargets[c].Count > 0).ToArray();

    /// <summary>
    /// The data set with natural-log measurements: every raw intensity is positive (the smallest is
    /// 1.0, checked on load), so log x is defined and ≥ 0, and it tames the long right tails.
    /// Contexts are the 9 conditions (control: <see cref="ControlCondition"/>), features the 9
    /// reagent indicators.
    /// </summary>
    public static PerturbationDataset Load() => Transform(LoadRaw(), MathF.Log);

    /// <summary>The data set with the raw (untransformed) intensities.</summary>
    public static PerturbationDataset LoadRaw()
    {
        var roles = new CsvColumnRoles("condition", ControlCondition)
        {
            FeatureColumns = ReagentNames,
            MeasurementColumns = VariableNames,
        };
        using Stream stream = Resource("sachs2005.csv");
        return CsvPerturbationReader.Read(stream, ResourceName("sachs2005.csv"), roles).ToPerturbationDataset();
    }

    /// <summary>The 17-edge consensus graph as an 11 × 11 adjacency (row = cause, column = effect), in <see cref="VariableNames"/> order.</summary>
    public static bool[,] ConsensusGraph()
    {
        using var reader = new StreamReader(Resource("consensus_graph.csv"));
        string source = ResourceName("consensus_graph.csv");
        string[] header = (reader.ReadLine() ?? "").Split(',');
        if (!header.Skip(1).SequenceEqual(VariableNames))
            throw new DataFileException(source, null, 1, $"the columns are {string.Join(", ", header.Skip(1))}; expected {string.Join(", ", VariableNames)}.");
        var graph = new bool[VariableNames.Count, VariableNames.Count];
        for (int i = 0; i < VariableNames.Count; i++)
        {
            string[] fields = (reader.ReadLine() ?? "").Split(',');
            if (fields.Length != VariableNames.Count + 1 || fields[0] != VariableNames[i])
                throw new DataFileException(source, null, i + 2, $"expected the row of '{VariableNames[i]}' with {VariableNames.Count} entries.");
            for (int j = 0; j < VariableNames.Count; j++)
                graph[i, j] = fields[j + 1] switch
                {
                    "1" => true,
                    "0" => false,
                    _ => throw new DataFileException(source, VariableNames[j], i + 2, $"'{fields[j + 1]}' is not 0 or 1."),
                };
        }
        return graph;
    }

    /// <summary>The nominal targets as a conditions × 11 mask, in the order of <paramref name="conditions"/>.</summary>
    /// <param name="conditions">Condition names; null means <see cref="TargetedConditions"/>.</param>
    public static bool[,] NominalTargetMask(IReadOnlyList<string>? conditions = null)
    {
        conditions ??= TargetedConditions;
        var mask = new bool[conditions.Count, VariableNames.Count];
        for (int c = 0; c < conditions.Count; c++)
        {
            if (!NominalTargets.TryGetValue(conditions[c], out IReadOnlyList<string>? targets))
                throw new ArgumentException($"Unknown Sachs condition '{conditions[c]}'; the conditions are {string.Join(", ", ConditionNames)}.", nameof(conditions));
            foreach (string target in targets)
                mask[c, VariableNames.ToList().IndexOf(target)] = true;
        }
        return mask;
    }

    /// <summary>
    /// BENCHMARK task (a): a seeded random split of every condition's cells, 80% for training and 20% held out.
    /// </summary>
    /// <param name="data">Usually <see cref="Load"/>().</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="trainFraction">The training share of each condition.</param>
    public static (PerturbationDataset Train, PerturbationDataset Test) Split(PerturbationDataset data, int seed = 0, double trainFraction = 0.8) =>
        RandomSplit.WithinContexts(data, trainFraction, seed);

    private static PerturbationDataset Transform(PerturbationDataset raw, Func<float, float> f)
    {
        var contexts = new List<PerturbationContext>();
        foreach (PerturbationContext context in raw.Contexts)
        {
            var samples = (float[,])context.Samples.Clone();
            for (int i = 0; i < samples.GetLength(0); i++)
                for (int j = 0; j < samples.GetLength(1); j++)
                {
                    // The log needs positive intensities; the shipped data have them, and a change to the file must not slip through.
                    if (!(samples[i, j] > 0))
                        throw new InvalidDataException($"{ResourceName("sachs2005.csv")}: condition '{context.Name}', cell {i}: {raw.VariableNames[j]} = {samples[i, j]} is not positive, so its log is undefined.");
                    samples[i, j] = f(samples[i, j]);
                }
            contexts.Add(new PerturbationContext(context.Name, context.Features, samples, context.IsControl, context.Group));
        }
        return new PerturbationDataset(contexts, raw.VariableNames, raw.FeatureNames);
    }

    private static string ResourceName(string file) => $"Gim.MLNet.Data.Sachs.{file}";

    private static Stream Resource(string file) =>
        typeof(SachsDataset).Assembly.GetManifestResourceStream(ResourceName(file))
        ?? throw new InvalidOperationException($"The embedded resource {ResourceName(file)} is missing from {typeof(SachsDataset).Assembly.GetName().Name}; the build should embed Data/Sachs/{file}.");
}
