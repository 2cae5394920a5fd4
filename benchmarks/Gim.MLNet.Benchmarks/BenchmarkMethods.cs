using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Benchmarks;

/// <summary>
/// The methods the benchmark commands run, by their command-line names: each fits a library trainer in process
/// (the peers with their default options and the seed; GIM with the options the command built).
/// </summary>
internal static class BenchmarkMethods
{
    /// <summary>Every method, in table order.</summary>
    public static readonly string[] All =
    {
        "control", "training-mean", "linear-features", "nearest-context", "mean-shift", "conditional-gaussian", "two-stage", "gim-linear", "gim-nonlinear",
    };

    /// <summary>
    /// Run only when --methods names them: experiments (docs/results.md, "Development-seed experiments") and methods for
    /// other kinds of screens (additive: combinations of perturbations, issue 20).
    /// </summary>
    public static readonly string[] Experimental = { "gim-linear-cv", "gim-linear-shrink", "gim-linear-gated", "additive", "gim-linear-cf", "gim-linear-untempered" };

    /// <summary>
    /// How to fit method <paramref name="name"/> for a seed; <paramref name="gim"/> configures gim-linear and gim-nonlinear;
    /// <paramref name="covariates"/> (e.g. the cell-line indicators) make the simple baselines draw from, and measure
    /// shifts from, each level's own control (Control, TrainingMean, LinearFeatures' and, since 0.15.0, Additive's <c>CovariateFeatures</c>).
    /// </summary>
    public static Func<PerturbationDataset, PerturbationModel> Fit(string name, int seed, GimOptions gim, Action<string>? log = null,
        IReadOnlyList<string>? covariates = null) => name switch
    {
        "control" => data => new ControlTrainer(new ControlOptions { CovariateFeatures = covariates }).Fit(data),
        "training-mean" => data => new TrainingMeanTrainer(new TrainingMeanOptions { CovariateFeatures = covariates }).Fit(data),
        // The combination baseline (issue 20): on the Hill panel, whose contexts all have several active features, it predicts the control.
        "additive" => data => new AdditiveTrainer(new AdditiveOptions { Seed = seed, CovariateFeatures = covariates }).Fit(data),
        "linear-features" => data => new LinearFeaturesTrainer(new LinearFeaturesOptions { Seed = seed, CovariateFeatures = covariates }).Fit(data),
        "nearest-context" => data => new NearestContextTrainer().Fit(data),
        "mean-shift" => data => new MeanShiftTrainer(new MeanShiftOptions { Seed = seed }).Fit(data),
        "conditional-gaussian" => data => new ConditionalGaussianTrainer(new ConditionalGaussianOptions { Seed = seed }).Fit(data),
        "two-stage" => data => new TwoStageCausalTrainer(new TwoStageCausalOptions { Seed = seed }).Fit(data),
        "gim-linear" => data => new GimTrainer(gim) { Log = log }.Fit(data),
        "gim-nonlinear" => data => new GimTrainer(Nonlinear(gim)) { Log = log }.Fit(data),
        // 0.11.0's calibration, for comparison: target probabilities as the heads give them (GimOptions.CalibrateTargets off).
        "gim-linear-untempered" => data => new GimTrainer(Untempered(gim)) { Log = log }.Fit(data),
        "gim-linear-cf" => data => new ControlTransportGim(new GimTrainer(gim) { Log = log }.Fit(data), data, covariates),
        // The 0.3.0 experiments, as recorded (docs/results.md): GIM without its 0.4.0 calibration, which they replace.
        "gim-linear-cv" => data => FitWithInnerCv(data, Uncalibrated(gim), seed, log),
        "gim-linear-shrink" => data => FitWithShrinkage(data, Uncalibrated(gim), seed, log, gated: false),
        "gim-linear-gated" => data => FitWithShrinkage(data, Uncalibrated(gim), seed, log, gated: true),
        _ => throw new ArgumentException($"unknown method '{name}'; known: {string.Join(", ", All.Concat(Experimental))}"),
    };

    private static GimOptions Untempered(GimOptions gim)
    {
        GimOptions copy = gim.Clone();
        copy.CalibrateTargets = false;
        return copy;
    }

    /// <summary>The weight-decay grid the experimental gim-linear-cv chooses from (issue 18: regularisation chosen inside Fit).</summary>
    private static readonly double[] WeightDecayGrid = { 1e-3, 1e-2, 1e-1, 1 };

    /// <summary>
    /// Experiment (issue 18): GIM-Linear whose weight decay is chosen by 3-fold leave-perturbation-groups-out validation on
    /// the training data (held-out MAP log-likelihood per cell, controls always in training), then refitted on all of it.
    /// </summary>
    private static PerturbationModel FitWithInnerCv(PerturbationDataset data, GimOptions gim, int seed, Action<string>? log)
    {
        var folds = InnerFolds(data, seed);
        double best = double.NegativeInfinity, chosen = gim.WeightDecay;
        foreach (double decay in WeightDecayGrid)
        {
            double total = 0;
            foreach (var (train, validation) in folds)
            {
                GimOptions o = gim.Clone();
                o.WeightDecay = decay;
                using GimModel model = new GimTrainer(o).Fit(train);
                total += model.MeanLogLikelihood(validation) / folds.Count;
            }
            log?.Invoke($"gim-linear-cv: weight decay {decay}: held-out log-likelihood {total:F4}");
            if (total > best) (best, chosen) = (total, decay);
        }
        Console.Error.WriteLine($"gim-linear-cv chose weight decay {chosen} (held-out log-likelihood {best:F4})");
        GimOptions final = gim.Clone();
        final.WeightDecay = chosen;
        return new GimTrainer(final) { Log = log }.Fit(data);
    }

    /// <summary>
    /// The experiments' inner validation: the perturbation groups shuffled by <paramref name="seed"/> and dealt into 3
    /// folds; each fold's training part keeps every control context, its validation part is the fold's groups.
    /// </summary>
    private static List<(PerturbationDataset Train, PerturbationDataset Validation)> InnerFolds(PerturbationDataset data, int seed)
    {
        const int folds = 3;
        string[] groups = data.Contexts.Where(c => !c.IsControl).Select(c => c.Group).Distinct().ToArray();
        new Random(seed).Shuffle(groups);
        var result = new List<(PerturbationDataset, PerturbationDataset)>(folds);
        for (int f = 0; f < folds; f++)
        {
            var held = groups.Where((_, i) => i % folds == f).ToHashSet();
            result.Add((new PerturbationDataset(data.Contexts.Where(c => c.IsControl || !held.Contains(c.Group)).ToList(), data.VariableNames, data.FeatureNames),
                new PerturbationDataset(data.Contexts.Where(c => !c.IsControl && held.Contains(c.Group)).ToList(), data.VariableNames, data.FeatureNames)));
        }
        return result;
    }

    /// <summary>The factors gim-linear-shrink chooses from: ψ ← α ψ for every prediction (1 = GIM as fitted, 0 = no shift).</summary>
    private static readonly double[] ShrinkageGrid = { 0, 0.25, 0.5, 0.75, 1 };

    /// <summary>
    /// Experiment (issue 18): GIM-Linear fitted once, its predicted shifts scaled by one factor α chosen by 3-fold
    /// leave-perturbation-groups-out validation (each fold fitted once, every α scored on the held-out groups' MAP
    /// log-likelihood by rescaling the shift head): 4 fits instead of gim-linear-cv's 13, and the encoder's targets
    /// untouched.
    /// </summary>
    /// <remarks>With <paramref name="gated"/>, α is the far value of <see cref="DistanceGatedGim"/> (held-out groups are far).</remarks>
    private static PerturbationModel FitWithShrinkage(PerturbationDataset data, GimOptions gim, int seed, Action<string>? log, bool gated)
    {
        var folds = InnerFolds(data, seed);
        var score = new double[ShrinkageGrid.Length];
        foreach (var (train, validation) in folds)
        {
            using GimModel model = new GimTrainer(gim).Fit(train);
            LinearGimParameters fitted = model.ExportParameters();
            for (int a = 0; a < ShrinkageGrid.Length; a++)
            {
                using GimModel shrunk = GimModel.FromParameters(Shrink(fitted, ShrinkageGrid[a]), gim);
                score[a] += shrunk.MeanLogLikelihood(validation) / folds.Count;
            }
        }
        int best = Array.IndexOf(score, score.Max());
        Console.Error.WriteLine($"gim-linear-shrink chose α = {ShrinkageGrid[best]} (held-out log-likelihood {string.Join(" / ", score.Select(v => v.ToString("F3")))})");
        using GimModel full = new GimTrainer(gim) { Log = log }.Fit(data);
        return gated ? new DistanceGatedGim(full, data, ShrinkageGrid[best], gim) : GimModel.FromParameters(Shrink(full.ExportParameters(), ShrinkageGrid[best]), gim);
    }

    /// <summary>The parameters with the shift head (rows d..2d of the heads) scaled by α.</summary>
    internal static LinearGimParameters Shrink(LinearGimParameters p, double alpha)
    {
        int d = p.VariableCount;
        float[,] Rows(float[,] m)
        {
            var copy = (float[,])m.Clone();
            for (int r = d; r < 2 * d; r++)
                for (int c = 0; c < copy.GetLength(1); c++) copy[r, c] = (float)(copy[r, c] * alpha);
            return copy;
        }
        float[] bias = (float[])p.SkipBias.Clone();
        for (int r = d; r < 2 * d; r++) bias[r] = (float)(bias[r] * alpha);
        return new LinearGimParameters
        {
            VariableNames = p.VariableNames, FeatureNames = p.FeatureNames, VariableMean = p.VariableMean, VariableScale = p.VariableScale,
            FeatureMean = p.FeatureMean, FeatureScale = p.FeatureScale, Bias = p.Bias, LogScale = p.LogScale, Graph = p.Graph,
            Interventions = p.Interventions, SkipWeight = Rows(p.SkipWeight), SkipBias = bias, HiddenLayers = p.HiddenLayers,
            FromHiddenWeight = p.FromHiddenWeight is null ? null : Rows(p.FromHiddenWeight), DoseResponse = p.DoseResponse,
            KnownTargets = p.KnownTargets, CovariateShift = p.CovariateShift,
        };
    }

    private static GimOptions Uncalibrated(GimOptions gim)
    {
        GimOptions o = gim.Clone();
        o.CalibrationFolds = 0;
        o.DoseFeature = null; // these 0.3.0 experiments shrink the heads of a GIM without a dose path, as recorded
        return o;
    }

    private static GimOptions Nonlinear(GimOptions gim)
    {
        GimOptions o = gim.Clone();
        o.CausalModel = CausalModelKind.Nonlinear;
        o.WarmStart = null; // the two-stage start is a linear GIM: --warm-start applies to gim-linear only
        return o;
    }
}
