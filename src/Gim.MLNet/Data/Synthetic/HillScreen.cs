using System.Globalization;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// The synthetic Hill-function drug screen of BENCHMARK.md §1: a random causal system over d
/// variables, drugs that shift 1–3 mechanisms by a Hill function of the dose, descriptors that
/// carry (noisy) information about those targets, and train / partially-OOD / fully-OOD splits,
/// all with the truth attached. Everything is drawn from <see cref="HillScreenOptions.Seed"/>.
/// <see cref="HillScreenPanel"/> names the option sets results are reported on, including screens whose
/// descriptors only partly determine the effect.
/// </summary>
public sealed class HillScreen
{
    // Independent random streams (see SeededRandom): changing one part of the screen leaves the others as they were.
    private const ulong GraphStream = 1, EmbeddingStream = 2, DrugStream = 3, FingerprintStream = 4, DecoyStream = 5,
        TrainCellStream = 10, PartialOodCellStream = 11, FullOodCellStream = 12;

    private readonly StructuralModel _model;

    private HillScreen(HillScreenOptions options, SampledGraph graph, double[] noiseScale, StructuralModel model,
        IReadOnlyList<DrugTruth> drugs, HillScreenSplit train, HillScreenSplit partialOod, HillScreenSplit fullOod)
    {
        Options = options;
        TrueGraph = graph.Weights;
        GraphScale = graph.Scale;
        SpectralRadius = graph.SpectralRadius;
        NoiseScale = noiseScale;
        _model = model;
        Drugs = drugs;
        Train = train;
        PartialOod = partialOod;
        FullOod = fullOod;
    }

    /// <summary>A copy of the options the screen was generated with.</summary>
    public HillScreenOptions Options { get; }

    /// <summary>Control plus every training drug at every training dose.</summary>
    public HillScreenSplit Train { get; }

    /// <summary>The training drugs at the unseen <see cref="HillScreenOptions.PartialOodDoses"/>; no control.</summary>
    public HillScreenSplit PartialOod { get; }

    /// <summary>The new drugs at the training doses; no control.</summary>
    public HillScreenSplit FullOod { get; }

    /// <summary>The true weights B[cause, effect] (d × d, zero diagonal), after any stability rescaling.</summary>
    public double[,] TrueGraph { get; }

    /// <summary>
    /// The factor the drawn cyclic weights were multiplied by for stability (1 for DAGs and for cyclic
    /// graphs that needed none); |B_ij| lies in [EdgeWeightMin, EdgeWeightMax]·GraphScale.
    /// </summary>
    public double GraphScale { get; }

    /// <summary>An upper bound on the spectral radius of <see cref="TrueGraph"/> (Gelfand's formula, tight to many digits; 0 for a DAG).</summary>
    public double SpectralRadius { get; }

    /// <summary>The noise scale σ_j of each variable.</summary>
    public double[] NoiseScale { get; }

    /// <summary>All drugs: the training drugs first (indices 0..TrainDrugs − 1), then the new ones.</summary>
    public IReadOnlyList<DrugTruth> Drugs { get; }

    /// <summary>Names of the variables: g0, g1, ...</summary>
    public IReadOnlyList<string> VariableNames => Train.Data.VariableNames;

    /// <summary>
    /// Names of the features: bind0.., effect0.., hill_K, hill_n, dose (embedding descriptors) or fp0..,
    /// hill_K, hill_n, dose (fingerprints).
    /// </summary>
    public IReadOnlyList<string> FeatureNames => Train.Data.FeatureNames;

    /// <summary>
    /// The exact mean of the cells under a mechanism shift, (I − Bᵀ)⁻¹·shift (e.g. <see cref="ContextTruth.Shift"/>).
    /// Linear mechanism only; throws <see cref="InvalidOperationException"/> for the nonlinear one.
    /// </summary>
    public double[] TrueMean(IReadOnlyList<double> shift)
    {
        CheckLength(shift, nameof(shift));
        return _model.Mean(shift);
    }

    /// <summary>
    /// The exact covariance of the cells of any context, (I − Bᵀ)⁻¹ S² (I − Bᵀ)⁻ᵀ with S = diag(σ)
    /// (shifts move the mean only). Linear mechanism only.
    /// </summary>
    public double[,] TrueCovariance() => _model.Covariance();

    /// <summary>
    /// Solves the structural equations x = f(x) + u for given exogenous terms u = shift + σ⊙ε, exactly
    /// as the generator does (topological pass, linear solve, or fixed-point iteration to 1e-12).
    /// </summary>
    public double[] SolveEquilibrium(IReadOnlyList<double> exogenous)
    {
        CheckLength(exogenous, nameof(exogenous));
        var x = new double[Options.Variables];
        _model.Solve(exogenous.ToArray(), x);
        return x;
    }

    private void CheckLength(IReadOnlyList<double> vector, string name)
    {
        ArgumentNullException.ThrowIfNull(vector, name);
        if (vector.Count != Options.Variables)
            throw new ArgumentException($"{name} has {vector.Count} entries; expected one per variable ({Options.Variables}).", name);
    }

    /// <summary>Draws a screen. Throws <see cref="ArgumentException"/> for invalid options.</summary>
    public static HillScreen Generate(HillScreenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        HillScreenOptions o = options.Clone();
        int d = o.Variables;

        var graphRng = new SeededRandom(o.Seed, GraphStream);
        SampledGraph graph = RandomGraph.Sample(o, graphRng);
        var sigma = new double[d];
        for (int j = 0; j < d; j++) sigma[j] = graphRng.Uniform(o.NoiseScaleMin, o.NoiseScaleMax);
        var model = new StructuralModel(graph.Weights, sigma, o.Mechanism);
        var noise = new NoiseSampler(o.Noise, o.StudentTDegreesOfFreedom);

        var factory = new DrugFactory(o, new SeededRandom(o.Seed,
            o.Descriptor == DescriptorKind.Fingerprint ? FingerprintStream : EmbeddingStream));
        int totalDrugs = o.TrainDrugs + o.NewDrugs;
        bool[] decoy = Decoys(o);
        int width = Math.Max(2, Math.Max(0, totalDrugs - 1).ToString(CultureInfo.InvariantCulture).Length);
        var drugs = new DrugTruth[totalDrugs];
        for (int h = 0; h < totalDrugs; h++)
        {
            string name = "drug" + h.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            // Index 0 of the decoy stream chose the decoys; drug h's decoy draws from index h + 1.
            SeededRandom? decoyRng = decoy[h] ? new SeededRandom(o.Seed, DecoyStream, (ulong)h + 1) : null;
            drugs[h] = factory.Create(h, name, h >= o.TrainDrugs, new SeededRandom(o.Seed, DrugStream, (ulong)h), decoyRng);
        }

        string[] variableNames = Enumerable.Range(0, d).Select(j => $"g{j}").ToArray();
        string[] featureNames = DrugFactory.FeatureNames(o);
        var builder = new SplitBuilder(model, noise, o.Seed, variableNames, featureNames);

        var trainDrugs = drugs.Take(o.TrainDrugs).ToArray();
        var train = builder.Build("train", TrainCellStream, includeControl: true, o.ControlSamples,
            trainDrugs, o.TrainDoses, o.SamplesPerTrainContext);
        var partial = builder.Build("partial-ood", PartialOodCellStream, includeControl: false, 0,
            trainDrugs, o.PartialOodDoses, o.SamplesPerTestContext);
        var full = builder.Build("full-ood", FullOodCellStream, includeControl: false, 0,
            drugs.Skip(o.TrainDrugs).ToArray(), o.TrainDoses, o.SamplesPerTestContext);
        return new HillScreen(o, graph, sigma, model, drugs, train, partial, full);
    }

    /// <summary>
    /// Which drugs get a decoy's descriptor: round(f·TrainDrugs) of the training drugs, then round(f·NewDrugs)
    /// of the new ones (halves up), each set drawn uniformly from index 0 of the decoy stream.
    /// </summary>
    private static bool[] Decoys(HillScreenOptions o)
    {
        var decoy = new bool[o.TrainDrugs + o.NewDrugs];
        if (o.UninformativeDescriptorFraction == 0) return decoy;
        var rng = new SeededRandom(o.Seed, DecoyStream);
        foreach (int h in rng.Subset(o.TrainDrugs, DecoyCount(o.TrainDrugs))) decoy[h] = true;
        foreach (int h in rng.Subset(o.NewDrugs, DecoyCount(o.NewDrugs))) decoy[o.TrainDrugs + h] = true;
        return decoy;

        int DecoyCount(int drugs) => (int)Math.Round(o.UninformativeDescriptorFraction * drugs, MidpointRounding.AwayFromZero);
    }

    /// <summary>Assembles the contexts of one split, each drawing its cells from its own stream.</summary>
    private sealed class SplitBuilder(StructuralModel model, NoiseSampler noise, int seed,
        string[] variableNames, string[] featureNames)
    {
        public HillScreenSplit Build(string splitName, ulong stream, bool includeControl, int controlSamples,
            IReadOnlyList<DrugTruth> drugs, IReadOnlyList<double> doses, int samplesPerContext)
        {
            int d = variableNames.Length, p = featureNames.Length;
            var contexts = new List<PerturbationContext>();
            var truth = new List<ContextTruth>();
            ulong index = 0;
            if (includeControl)
            {
                var shift = new double[d];
                float[,] cells = model.Sample(shift, controlSamples, noise, new SeededRandom(seed, stream, index++));
                contexts.Add(new PerturbationContext("control", new float[p], cells, isControl: true));
                truth.Add(new ContextTruth("control", -1, 0, new bool[d], shift));
            }
            foreach (DrugTruth drug in drugs)
                foreach (double dose in doses)
                {
                    string name = $"{drug.Name}@{dose.ToString(CultureInfo.InvariantCulture)}";
                    double[] shift = drug.ShiftAt(dose);
                    var targets = new bool[d];
                    foreach (int j in drug.Targets) targets[j] = true;
                    var features = new float[p];
                    for (int i = 0; i < drug.Descriptor.Count; i++) features[i] = drug.Descriptor[i];
                    features[p - 1] = (float)dose;
                    float[,] cells = model.Sample(shift, samplesPerContext, noise, new SeededRandom(seed, stream, index++));
                    contexts.Add(new PerturbationContext(name, features, cells, group: drug.Name));
                    truth.Add(new ContextTruth(name, drug.Index, dose, targets, shift));
                }
            return new HillScreenSplit(splitName, new PerturbationDataset(contexts, variableNames, featureNames), truth);
        }
    }
}
