using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// A synthetic Perturb-seq screen (issue 20): d genes regulate each other through a random directed graph with feedback
/// loops; a CRISPR guide against gene j knocks it down, removing a fraction κ_j of its expression:
/// <code>x_j = m_j · (Σ_i B_ij g_i(x_i) + b_j + σ_j ε_j),   m_j = 1 − κ_j if j is knocked down, else 1,</code>
/// with g_i the identity or g_i(x) = tanh(x − b_i) (a regulator acts around its own baseline and saturates when knocked
/// down), ε standard normal, b_j &gt; 0 a baseline, solved as a fixed point (a contraction: ρ(|B|) &lt; 1). A knockdown
/// scales the whole mechanism of its gene — its inputs, baseline and noise — which is not a shift of an additive-noise
/// model (it is GIM's <c>KnownTargetKind.Knockdown</c> exactly in the linear case; with tanh or a count read-out it is
/// not). With <see cref="PerturbSeqScreenOptions.ReadOut"/> Counts the cells hold negative-binomial counts of the levels. Two knockdowns are not the sum of their singles when one gene regulates the other (the pair's effect on a
/// target carries the product (1 − m_A)(1 − m_B)), and with tanh also through saturation. Conditions are labelled as
/// screens write them ("ctrl", "g3+ctrl", "g3+g7"); the features are one 0/1 indicator per targeted gene. With
/// <see cref="PerturbSeqScreenOptions.CellLines"/> &gt; 1 every condition is measured in each line, around the line's own
/// baselines (and, when rewired, edge weights), and a 0/1 indicator per line but the reference follows the genes'.
/// </summary>
/// <remarks>
/// Splits, as in Norman-style benchmarks: training has the controls, the singles of the seen genes and
/// <see cref="PerturbSeqScreenOptions.TrainPairs"/> pairs of seen genes; <see cref="UnseenSingle"/> the singles of the
/// unseen genes; <see cref="PairsSeen2"/>, <see cref="PairsSeen1"/>, <see cref="PairsSeen0"/> the held-out pairs with
/// two, one and no single seen in training.
/// </remarks>
public sealed class PerturbSeqScreen
{
    private const ulong GraphStream = 1, GeneStream = 2, PairStream = 3, GuideStream = 4, LineStream = 5, CellStream = 10, CountStream = 11;

    private PerturbSeqScreen(PerturbSeqScreenOptions options, double[,] graph, double[] knockdown, string[] targeted, string[] unseen,
        IReadOnlyDictionary<string, bool[]> targets, PerturbationDataset train, IReadOnlyDictionary<string, PerturbationDataset> tests,
        IReadOnlyDictionary<string, double>? guideKnockdown, IReadOnlyDictionary<string, string[]>? cellGuides)
    {
        GuideKnockdown = guideKnockdown;
        CellGuides = cellGuides;
        Options = options;
        TrueGraph = graph;
        Knockdown = knockdown;
        TargetedGenes = targeted;
        UnseenGenes = unseen;
        Targets = targets;
        Train = train;
        Tests = tests;
    }

    /// <summary>
    /// With <see cref="PerturbSeqScreenOptions.GuidesPerGene"/> &gt; 1: each guide's efficiency, by name ("g3_sg2": gene g3's
    /// second guide); null with one guide per gene (<see cref="Knockdown"/> then says it).
    /// </summary>
    public IReadOnlyDictionary<string, double>? GuideKnockdown { get; }

    /// <summary>
    /// With <see cref="PerturbSeqScreenOptions.GuidesPerGene"/> &gt; 1: each perturbed context's cells' guides, by context name
    /// (one per knocked-down gene, joined by "+", e.g. "g3_sg2+g7_sg1"); null with one guide per gene.
    /// </summary>
    public IReadOnlyDictionary<string, string[]>? CellGuides { get; }

    /// <summary>The names of the held-out splits, in this order.</summary>
    public static readonly string[] SplitNames = { "unseen_single", "pairs_seen2", "pairs_seen1", "pairs_seen0" };

    /// <summary>A copy of the options the screen was generated with.</summary>
    public PerturbSeqScreenOptions Options { get; }

    /// <summary>B[regulator, target] (d × d, zero diagonal), after the rescaling to a contraction.</summary>
    public double[,] TrueGraph { get; }

    /// <summary>
    /// κ_j: the fraction of gene j's expression its guide removes (0 for genes without a guide). With several guides a gene
    /// (<see cref="PerturbSeqScreenOptions.GuidesPerGene"/>) no cell uses it: <see cref="GuideKnockdown"/> gives each guide's.
    /// </summary>
    public IReadOnlyList<double> Knockdown { get; }

    /// <summary>The genes with a guide (the first features, in this order; with several lines the line indicators follow).</summary>
    public IReadOnlyList<string> TargetedGenes { get; }

    /// <summary>The targeted genes whose single knockdown is not in training.</summary>
    public IReadOnlyList<string> UnseenGenes { get; }

    /// <summary>For every condition (context name), which genes its guides knock down.</summary>
    public IReadOnlyDictionary<string, bool[]> Targets { get; }

    /// <summary>Controls, the singles of the seen genes, and the training pairs.</summary>
    public PerturbationDataset Train { get; }

    /// <summary>The held-out splits by name (<see cref="SplitNames"/>); a split with no condition is left out.</summary>
    public IReadOnlyDictionary<string, PerturbationDataset> Tests { get; }

    /// <summary>The singles of the unseen genes.</summary>
    public PerturbationDataset? UnseenSingle => Tests.GetValueOrDefault("unseen_single");

    /// <summary>Held-out pairs of two seen genes.</summary>
    public PerturbationDataset? PairsSeen2 => Tests.GetValueOrDefault("pairs_seen2");

    /// <summary>Held-out pairs of one seen and one unseen gene.</summary>
    public PerturbationDataset? PairsSeen1 => Tests.GetValueOrDefault("pairs_seen1");

    /// <summary>Held-out pairs of two unseen genes.</summary>
    public PerturbationDataset? PairsSeen0 => Tests.GetValueOrDefault("pairs_seen0");

    /// <summary>Draws a screen. Throws <see cref="ArgumentException"/> for invalid options.</summary>
    public static PerturbSeqScreen Generate(PerturbSeqScreenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PerturbSeqScreenOptions o = options.Clone();
        int d = o.Genes;
        string[] genes = Enumerable.Range(0, d).Select(j => $"g{j}").ToArray();

        double[,] b = Graph(o, new SeededRandom(o.Seed, GraphStream));
        var geneRng = new SeededRandom(o.Seed, GeneStream);
        var baseline = new double[d];
        var sigma = new double[d];
        for (int j = 0; j < d; j++)
        {
            baseline[j] = geneRng.Uniform(o.BaselineMin, o.BaselineMax);
            sigma[j] = geneRng.Uniform(0.5, 1.0);
        }
        int[] targeted = geneRng.Subset(d, o.TargetedGenes);
        var knockdown = new double[d];
        foreach (int j in targeted) knockdown[j] = geneRng.Uniform(o.KnockdownMin, o.KnockdownMax);
        int[] order = geneRng.Permutation(targeted.Length);
        int[] unseen = order.Take(o.UnseenGenes).Select(i => targeted[i]).Order().ToArray();
        int[] seen = targeted.Except(unseen).ToArray();

        var pairRng = new SeededRandom(o.Seed, PairStream);
        List<(int, int)> seenPairs = Pairs(seen, seen, pairRng, o.TrainPairs + o.PairsSeen2);
        List<(int, int)> mixedPairs = Pairs(seen, unseen, pairRng, o.PairsSeen1);
        List<(int, int)> unseenPairs = Pairs(unseen, unseen, pairRng, o.PairsSeen0);

        // Each guide's own efficiency, from a stream of its own (one guide per gene: the gene's κ, nothing drawn).
        int guides = o.GuidesPerGene;
        var guideKnockdown = new double[d, guides];
        var guideRng = new SeededRandom(o.Seed, GuideStream);
        foreach (int j in targeted)
            for (int g = 0; g < guides; g++) guideKnockdown[j, g] = guides == 1 ? knockdown[j] : guideRng.Uniform(o.KnockdownMin, o.KnockdownMax);
        var cellGuides = new Dictionary<string, string[]>(StringComparer.Ordinal);

        // Each line's baselines and graph (line 0, the reference, is the screen's own; nothing is drawn with one line).
        int lines = o.CellLines;
        var lineBaseline = new double[lines][];
        var lineGraph = new double[lines][,];
        lineBaseline[0] = baseline;
        lineGraph[0] = b;
        var lineRng = new SeededRandom(o.Seed, LineStream);
        for (int l = 1; l < lines; l++)
        {
            lineBaseline[l] = baseline.Select(v => v + o.CellLineShift * lineRng.Normal()).ToArray();
            lineGraph[l] = Rewired(b, o, lineRng);
        }

        var featureIndex = targeted.Select((gene, q) => (gene, q)).ToDictionary(x => x.gene, x => x.q);
        var targets = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        ulong index = 0;
        PerturbationContext Condition(int[] knocked, int cells, int line)
        {
            string name = knocked.Length == 0 ? "ctrl" : knocked.Length == 1 ? $"{genes[knocked[0]]}+ctrl" : string.Join("+", knocked.Select(j => genes[j]));
            if (lines > 1) name += $"|{LineColumn}={LineName(line)}";
            var features = new float[targeted.Length + lines - 1];
            var mask = new bool[d];
            foreach (int j in knocked)
            {
                features[featureIndex[j]] = 1;
                mask[j] = true;
            }
            if (line > 0) features[targeted.Length + line - 1] = 1;
            targets[name] = mask;
            var rng = new SeededRandom(o.Seed, CellStream, ++index);
            float[,] samples = guides > 1 && knocked.Length > 0 ? GuidedSamples(name, knocked, mask, cells, line, rng)
                : Sample(lineGraph[line], lineBaseline[line], baseline, sigma, knockdown, mask, o.Mechanism, cells, rng);
            if (o.ReadOut == PerturbSeqReadOut.Counts) Count(samples, o, new SeededRandom(o.Seed, CountStream, index));
            return new PerturbationContext(name, features, samples, isControl: knocked.Length == 0 && line == 0);
        }
        // A condition in every line, the lines in turn.
        IEnumerable<PerturbationContext> InEveryLine(int[] knocked, int cells) => Enumerable.Range(0, lines).Select(l => Condition(knocked, cells, l));

        // Several guides a gene: the cells take the guide combinations in turn, each combination's cells drawn with its
        // guides' efficiencies; the condition pools them (one context), and CellGuides says which cell had which.
        float[,] GuidedSamples(string name, int[] knocked, bool[] mask, int cells, int line, SeededRandom rng)
        {
            int combinations = (int)Math.Pow(guides, knocked.Length);
            var samples = new float[cells, d];
            var labels = new string[cells];
            int row = 0;
            for (int combination = 0; combination < combinations; combination++)
            {
                int count = cells / combinations + (combination < cells % combinations ? 1 : 0);
                if (count == 0) continue;
                var efficiency = (double[])knockdown.Clone();
                var parts = new string[knocked.Length];
                for (int q = 0, code = combination; q < knocked.Length; q++, code /= guides)
                {
                    efficiency[knocked[q]] = guideKnockdown[knocked[q], code % guides];
                    parts[q] = $"{genes[knocked[q]]}_sg{code % guides + 1}";
                }
                float[,] drawn = Sample(lineGraph[line], lineBaseline[line], baseline, sigma, efficiency, mask, o.Mechanism, count, rng);
                for (int i = 0; i < count; i++, row++)
                {
                    for (int j = 0; j < d; j++) samples[row, j] = drawn[i, j];
                    labels[row] = string.Join("+", parts);
                }
            }
            cellGuides[name] = labels;
            return samples;
        }

        string[] featureNames = targeted.Select(j => genes[j]).Concat(Enumerable.Range(1, lines - 1).Select(l => $"{LineColumn}={LineName(l)}")).ToArray();
        var trainContexts = InEveryLine(Array.Empty<int>(), o.ControlCells).ToList();
        trainContexts.AddRange(seen.SelectMany(j => InEveryLine(new[] { j }, o.CellsPerCondition)));
        trainContexts.AddRange(seenPairs.Take(o.TrainPairs).SelectMany(p => InEveryLine(new[] { p.Item1, p.Item2 }, o.CellsPerCondition)));
        var tests = new Dictionary<string, PerturbationDataset>(StringComparer.Ordinal);
        void Split(string name, IEnumerable<int[]> conditions)
        {
            List<PerturbationContext> contexts = conditions.SelectMany(c => InEveryLine(c, o.CellsPerCondition)).ToList();
            if (contexts.Count > 0) tests[name] = new PerturbationDataset(contexts, genes, featureNames);
        }
        Split("unseen_single", unseen.Select(j => new[] { j }));
        Split("pairs_seen2", seenPairs.Skip(o.TrainPairs).Select(p => new[] { p.Item1, p.Item2 }));
        Split("pairs_seen1", mixedPairs.Select(p => new[] { p.Item1, p.Item2 }));
        Split("pairs_seen0", unseenPairs.Select(p => new[] { p.Item1, p.Item2 }));
        Dictionary<string, double>? guideEfficiency = guides == 1 ? null
            : targeted.SelectMany(j => Enumerable.Range(0, guides).Select(g => ($"{genes[j]}_sg{g + 1}", guideKnockdown[j, g])))
                .ToDictionary(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        return new PerturbSeqScreen(o, b, knockdown, targeted.Select(j => genes[j]).ToArray(), unseen.Select(j => genes[j]).ToArray(), targets,
            new PerturbationDataset(trainContexts, genes, featureNames), tests, guideEfficiency, guides == 1 ? null : cellGuides)
        {
            LineBaselines = lines > 1 ? lineBaseline : null,
            LineGraphs = lines > 1 ? lineGraph : null,
        };
    }

    /// <summary>The obs column (and feature prefix) of the cell line with <see cref="PerturbSeqScreenOptions.CellLines"/> &gt; 1.</summary>
    public const string LineColumn = "cell_line";

    /// <summary>The name of line <paramref name="line"/>: "L0" (the reference), "L1", ....</summary>
    public static string LineName(int line) => $"L{line}";

    /// <summary>
    /// With <see cref="PerturbSeqScreenOptions.CellLines"/> &gt; 1: each line's gene baselines b + a_ℓ (line 0's are the
    /// screen's own); null with one line.
    /// </summary>
    public IReadOnlyList<double[]>? LineBaselines { get; private init; }

    /// <summary>With <see cref="PerturbSeqScreenOptions.CellLines"/> &gt; 1: each line's B[regulator, target] (line 0's is <see cref="TrueGraph"/>); null with one line.</summary>
    public IReadOnlyList<double[,]>? LineGraphs { get; private init; }

    /// <summary>The covariate features of a screen of several lines ("cell_line=L1", ...; empty with one line): GIM's and the baselines' CovariateFeatures.</summary>
    public IReadOnlyList<string> LineFeatures => Train.FeatureNames.Where(f => f.StartsWith(LineColumn + "=", StringComparison.Ordinal)).ToArray();

    /// <summary>B ⊙ (1 + C), C ~ N(0, CellLineRewiring²) on the edges, rescaled to ρ(|B|) ≤ MaxSpectralRadius as the reference graph is.</summary>
    private static double[,] Rewired(double[,] b, PerturbSeqScreenOptions o, SeededRandom rng)
    {
        int d = b.GetLength(0);
        var rewired = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                if (b[i, j] != 0) rewired[i, j] = b[i, j] * (1 + o.CellLineRewiring * rng.Normal());
        return ToContraction(rewired, o.MaxSpectralRadius);
    }

    /// <summary>
    /// Writes one split as an .h5ad in the layout of Norman et al. 2019's files: dense X (cells × genes, the levels or the
    /// counts), var names the genes, obs <c>condition</c> (categorical: "ctrl", "g3+ctrl", "g3+g7"; with several guides a
    /// gene, obs <c>guide</c> too: "g3_sg2", "g3_sg1+g7_sg2", "non-targeting" for the controls; with several lines, obs
    /// <c>cell_line</c>: "L0", "L1", ...) and obs names "cell0", "cell1", .... A held-out split's file starts with the
    /// training control cells (of every line), as a screen's files do (a reader needs its control). Read it back with
    /// <c>AnnDataReader</c> and <see cref="CombinationLabels"/> (with <c>Perturbations = </c><see cref="TargetedGenes"/>, so
    /// genes no label of the split names keep their indicator), or with several lines through a
    /// <see cref="ScreenDesign"/> with <c>Combinations</c> and <c>Covariates = { "cell_line" }</c>.
    /// </summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="split">"train" or one of <see cref="SplitNames"/>.</param>
    public void WriteH5ad(string path, string split = "train")
    {
        PerturbationDataset data = split == "train" ? Train
            : Tests.TryGetValue(split, out PerturbationDataset? test) ? test
            : throw new ArgumentException($"No split '{split}'; this screen has train and {string.Join(", ", Tests.Keys)}.", nameof(split));
        // A context's name is its condition, then "|cell_line=L1" with several lines.
        static (string Condition, string? Line) Parts(string name) => name.IndexOf('|') is int bar and >= 0
            ? (name[..bar], name[(bar + 1 + LineColumn.Length + 1)..]) : (name, null);
        IEnumerable<PerturbationContext> contexts = split == "train" ? data.Contexts
            : Train.Contexts.Where(c => Parts(c.Name).Condition == "ctrl").Concat(data.Contexts);
        int n = contexts.Sum(c => c.SampleCount), d = data.VariableCount, row = 0;
        var x = new float[n, d];
        var condition = new string?[n];
        var line = new string?[n];
        var guide = new string?[n];
        foreach (PerturbationContext c in contexts)
            for (int i = 0; i < c.SampleCount; i++, row++)
            {
                for (int j = 0; j < d; j++) x[row, j] = c.Samples[i, j];
                (condition[row], line[row]) = Parts(c.Name);
                guide[row] = condition[row] == "ctrl" ? "non-targeting" : CellGuides?[c.Name][i];
            }
        var obs = new List<AnnData.AnnDataWriteColumn> { AnnData.AnnDataWriteColumn.Categorical("condition", condition) };
        if (Options.CellLines > 1) obs.Add(AnnData.AnnDataWriteColumn.Categorical(LineColumn, line));
        if (CellGuides is not null) obs.Add(AnnData.AnnDataWriteColumn.Categorical("guide", guide));
        AnnData.AnnDataWriter.Write(path, x, Enumerable.Range(0, n).Select(i => $"cell{i}").ToArray(), data.VariableNames.ToArray(), obs);
    }

    /// <summary><paramref name="count"/> distinct unordered pairs (a, b), a from <paramref name="first"/>, b from <paramref name="second"/>, a ≠ b; the lower index first.</summary>
    private static List<(int, int)> Pairs(int[] first, int[] second, SeededRandom rng, int count)
    {
        var all = new List<(int, int)>();
        foreach (int a in first)
            foreach (int c in second)
                if (a != c && !all.Contains((Math.Min(a, c), Math.Max(a, c)))) all.Add((Math.Min(a, c), Math.Max(a, c)));
        int[] pick = rng.Permutation(all.Count);
        return pick.Take(count).Select(i => all[i]).ToList();
    }

    /// <summary>A random digraph (both directions allowed) with ±U(min, max) weights, rescaled so that ρ(|B|) ≤ MaxSpectralRadius.</summary>
    private static double[,] Graph(PerturbSeqScreenOptions o, SeededRandom rng)
    {
        int d = o.Genes;
        var b = new double[d, d];
        double q = o.ExpectedParents / (d - 1);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                if (i != j && rng.NextDouble() < q) b[i, j] = rng.Sign() * rng.Uniform(o.EdgeWeightMin, o.EdgeWeightMax);
        return ToContraction(b, o.MaxSpectralRadius);
    }

    /// <summary><paramref name="b"/> rescaled in place so that ρ(|B|) ≤ <paramref name="maxSpectralRadius"/> (the bound of <see cref="DenseMatrix.SpectralRadiusBound"/>), and returned.</summary>
    private static double[,] ToContraction(double[,] b, double maxSpectralRadius)
    {
        int d = b.GetLength(0);
        var abs = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) abs[i, j] = Math.Abs(b[i, j]);
        double bound = DenseMatrix.SpectralRadiusBound(abs);
        if (bound > maxSpectralRadius)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) b[i, j] *= maxSpectralRadius / bound;
        return b;
    }

    /// <summary>Replaces each level by a negative-binomial count of it: NB(ℓ·CountScale·softplus(level), θ), ℓ = e^(LibrarySizeLogSd·N(0, 1)) per cell.</summary>
    private static void Count(float[,] cells, PerturbSeqScreenOptions o, SeededRandom rng)
    {
        for (int n = 0; n < cells.GetLength(0); n++)
        {
            double library = Math.Exp(o.LibrarySizeLogSd * rng.Normal());
            for (int j = 0; j < cells.GetLength(1); j++)
            {
                double level = cells[n, j];
                double softplus = level > 30 ? level : Math.Log(1 + Math.Exp(level));
                cells[n, j] = CountSampler.NegativeBinomial(rng, library * o.CountScale * softplus, o.CountDispersion);
            }
        }
    }

    /// <summary>
    /// Cells of one condition: x = m ⊙ (Bᵀg(x) + b + σ⊙ε) by fixed-point iteration from x = m ⊙ (b + σ⊙ε), g_i(x) = x or
    /// tanh(x − c_i), c the reference line's baselines <paramref name="centre"/> (a contraction:
    /// |m ⊙ Bᵀ diag(g')| ≤ |Bᵀ| entrywise, and ρ(|B|) &lt; 1), to 1e-10.
    /// </summary>
    private static float[,] Sample(double[,] b, double[] baseline, double[] centre, double[] sigma, double[] knockdown, bool[] knocked, MechanismKind mechanism,
        int count, SeededRandom rng)
    {
        int d = baseline.Length;
        var cells = new float[count, d];
        var m = new double[d];
        for (int j = 0; j < d; j++) m[j] = knocked[j] ? 1 - knockdown[j] : 1;
        // Each gene's regulators and weights, in order (the graph is sparse: a fixed-point sweep costs its edges, not d²).
        var parents = new (int[] Index, double[] Weight)[d];
        for (int j = 0; j < d; j++)
        {
            int[] index = Enumerable.Range(0, d).Where(i => b[i, j] != 0).ToArray();
            parents[j] = (index, index.Select(i => b[i, j]).ToArray());
        }
        var u = new double[d];
        var x = new double[d];
        var next = new double[d];
        for (int n = 0; n < count; n++)
        {
            for (int j = 0; j < d; j++)
            {
                u[j] = baseline[j] + sigma[j] * rng.Normal();
                x[j] = m[j] * u[j];
            }
            for (int iteration = 0; ; iteration++)
            {
                double change = 0;
                for (int j = 0; j < d; j++)
                {
                    double s = u[j];
                    var (index, weight) = parents[j];
                    for (int e = 0; e < index.Length; e++)
                    {
                        int i = index[e];
                        s += weight[e] * (mechanism == MechanismKind.Linear ? x[i] : Math.Tanh(x[i] - centre[i]));
                    }
                    next[j] = m[j] * s;
                    change = Math.Max(change, Math.Abs(next[j] - x[j]));
                }
                (x, next) = (next, x);
                if (change <= 1e-10) break;
                if (iteration > 10_000) throw new InvalidOperationException("The knockdown screen's fixed point did not converge; the graph is not a contraction.");
            }
            for (int j = 0; j < d; j++) cells[n, j] = (float)x[j];
        }
        return cells;
    }
}
