using Gim.MLNet.Data;
using Gim.MLNet.Runtime;

namespace Gim.MLNet.Causal;

/// <summary>
/// Fits a <see cref="NoveltyCalibration"/> for a trained GIM (docs/method.md, "Novelty"): the perturbation groups are dealt
/// into <see cref="GimOptions.CalibrationFolds"/> folds (<see cref="Plan"/>, before any training); each fold's groups are
/// held out, GIM is refitted on the rest (controls always in) — together with the main fit where it can be
/// (<see cref="ReplicaStack"/>), else after it — and its predictions for the held-out contexts are compared with what
/// was measured there. Closed
/// forms then give α_far and the far standard deviations; the near ones come from the full model's own residuals.
/// </summary>
internal static class NoveltyCalibrator
{
    /// <summary>One held-out context: familiarity under its fold's model and the numbers compared (standardised units).</summary>
    private sealed record HeldOut(double Familiarity, double[] Observed, double[] Predicted, double[] SquaredError, double[] FoldShift, double[] FullShift,
        float[] FoldLogits, bool[] FullTargets);

    /// <summary>The candidate τ_far (<see cref="NoveltyCalibration.TargetTemperature"/>), 1 down to <see cref="NoveltyCalibration.MinimumTargetTemperature"/> by 0.05.</summary>
    private static readonly double[] TargetTemperatures = Enumerable.Range(1, 20).Select(k => (21 - k) / 20.0).ToArray();

    /// <summary>
    /// How the calibration refits (before any training: it depends only on the data and the options): the perturbation
    /// each perturbed context belongs to, and each fold's training data; null, after saying so, when there are fewer
    /// perturbations than folds.
    /// </summary>
    /// <param name="train">The training data.</param>
    /// <param name="features">The main fit's feature standardisation.</param>
    /// <param name="options">The main fit's options (<see cref="GimOptions.CalibrationFolds"/> &gt; 0).</param>
    /// <param name="tell">Where to say that the calibration is skipped.</param>
    public static CalibrationPlan? Plan(PerturbationDataset train, Standardizer features, GimOptions options, Action<string> tell)
    {
        int folds = options.CalibrationFolds;
        List<PerturbationContext> perturbed = train.Contexts.Where(c => !c.IsControl).ToList();
        int doseIndex = options.DoseFeature is null ? -1 : train.FeatureNames.ToList().IndexOf(options.DoseFeature);
        // The main model's calibration points (GimModel.CalibrationPoints): its standardised features, dose slot zeroed.
        List<float[]> points = perturbed.Select(c =>
        {
            float[] z = features.Transform(c.Features);
            if (doseIndex >= 0) z[doseIndex] = 0;
            return z;
        }).ToList();
        Dictionary<PerturbationContext, string> perturbation = Perturbations(perturbed, points);
        string[] groups = perturbed.Select(c => perturbation[c]).Distinct().ToArray();
        if (groups.Length < folds)
        {
            tell($"calibration skipped: {groups.Length} perturbation group(s), fewer than GimOptions.CalibrationFolds = {folds}; " +
                 "predictions apply ψ(γ) as fitted and have no standard deviation");
            return null;
        }
        new Random(options.SeedOrDefault).Shuffle(groups);
        GimOptions foldOptions = options.Clone();
        foldOptions.CalibrationFolds = 0;
        foldOptions.Progress = null;
        foldOptions.CheckpointPath = null;
        // A fixed start was fitted on all the groups (and standardised on them): the refits start from zero instead. A
        // two-stage start refits on each fold's own data, so it stays.
        if (options.WarmStart is { IsFixed: true }) foldOptions.WarmStart = null;
        var foldList = new List<CalibrationFold>();
        for (int f = 0; f < folds; f++)
        {
            var held = groups.Where((_, i) => i % folds == f).ToHashSet();
            foldList.Add(new CalibrationFold(held, new PerturbationDataset(
                train.Contexts.Where(c => c.IsControl || !held.Contains(perturbation[c])).ToList(), train.VariableNames, train.FeatureNames)));
        }
        return new CalibrationPlan(perturbed, perturbation, foldList, foldOptions);
    }

    /// <summary>
    /// The refits' number of steps: a share (<see cref="GimOptions.CalibrationStepFraction"/>) of <paramref name="steps"/>, the
    /// steps the full fit runs (its MaxSteps when trained together with it, the steps it ran when refitted after it).
    /// </summary>
    public static int FoldSteps(GimOptions options, int steps) => Math.Max(1, (int)Math.Round(Math.Max(1, steps) * options.CalibrationStepFraction));

    /// <summary>
    /// The calibration of <paramref name="full"/> (fitted on <paramref name="train"/> without one) from the folds of
    /// <paramref name="plan"/>: <paramref name="foldModels"/> when they were trained with the full model (stacked with it,
    /// <paramref name="foldsStacked"/>, or fitted on their own beside it), or refitted here one after the other.
    /// </summary>
    public static NoveltyCalibration Fit(GimModel full, PerturbationDataset train, GimOptions options, CalibrationPlan plan,
        IReadOnlyList<GimModel>? foldModels, Action<string> tell, bool foldsStacked = true)
    {
        int folds = plan.Folds.Count, d = train.VariableCount;
        IReadOnlyList<PerturbationContext> perturbed = plan.Perturbed;
        Dictionary<PerturbationContext, string> perturbation = plan.Perturbation;

        // Every perturbed context explained by the full model at once (one batch: the mean is the unperturbed mean plus
        // the total effect, so no prediction per context is needed).
        IReadOnlyList<InterventionExplanation> fullExplanations = full.Explain(perturbed.Select(c => c.Features).ToList());
        var fullExplanation = new Dictionary<PerturbationContext, InterventionExplanation>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < perturbed.Count; i++) fullExplanation[perturbed[i]] = fullExplanations[i];

        // Near: the full model's residuals on its own training contexts, less each mean's sampling variance.
        var near2 = new double[d];
        double[] fullBaseline = Baseline(full);
        foreach (PerturbationContext c in perturbed)
        {
            var (observed, squaredError) = Observed(c, full.VariableStandardizer);
            float[] effect = fullExplanation[c].TotalEffect;
            for (int j = 0; j < d; j++)
            {
                double e = observed[j] - fullBaseline[j] - effect[j] / full.VariableStandardizer.Scale[j];
                near2[j] += (e * e - squaredError[j]) / perturbed.Count;
            }
        }
        for (int j = 0; j < d; j++) near2[j] = Math.Max(0, near2[j]);

        // Far: the models fitted without each fold's groups.
        var heldOut = new List<HeldOut>();
        GimOptions foldOptions = plan.FoldOptions.Clone();
        foldOptions.MaxSteps = FoldSteps(options, full.StepsRun);
        for (int f = 0; f < folds; f++)
        {
            var (held, foldTrain) = (plan.Folds[f].Held, plan.Folds[f].Train);
            GimModel model = foldModels?[f] ?? new GimTrainer(foldOptions).Fit(foldTrain);
            try
            {
                NoveltyCalibration geometry = Geometry(model, foldTrain, near: new float[d], far: new float[d], shift: new float[d], farShrinkage: 0);
                List<PerturbationContext> contexts = perturbed.Where(c => held.Contains(perturbation[c])).ToList();
                IReadOnlyList<InterventionExplanation> foldExplanations = model.Explain(contexts.Select(c => c.Features).ToList());
                float[,] foldLogits = model.TargetLogits(contexts.Select(c => c.Features).ToList());
                double[] baseline = Baseline(model);
                for (int i = 0; i < contexts.Count; i++)
                {
                    PerturbationContext c = contexts[i];
                    InterventionExplanation foldExplanation = foldExplanations[i];
                    var (observed, squaredError) = Observed(c, model.VariableStandardizer);
                    var predicted = new double[d];
                    // What α scales is the perturbation's effect within its covariate level: the level's own difference
                    // (CovariateEffect, with GimOptions.CovariateFeatures) is neither predicted nor shrunk here.
                    float[]? level = foldExplanation.CovariateEffect;
                    for (int j = 0; j < d; j++)
                    {
                        double own = (level?[j] ?? 0) / model.VariableStandardizer.Scale[j];
                        predicted[j] = foldExplanation.TotalEffect[j] / model.VariableStandardizer.Scale[j] - own;
                        observed[j] -= baseline[j] + own;
                    }
                    heldOut.Add(new HeldOut(geometry.Familiarity(model.CalibrationPoints(model.FeatureStandardizer.Transform(c.Features))), observed, predicted, squaredError,
                        Applied(foldExplanation), Applied(fullExplanation[c]), TensorArrays.Row(foldLogits, i), fullExplanation[c].MapTargets));
                }
                tell(foldModels is null || !foldsStacked
                    ? $"calibration fold {f + 1}/{folds}: {held.Count} group(s) held out, refit in {model.FitTime.TotalSeconds:F2} s" +
                      (foldModels is null ? "" : " beside the full model")
                    : $"calibration fold {f + 1}/{folds}: {held.Count} group(s) held out, trained with the full model ({model.StepsRun} steps)");
            }
            finally
            {
                if (foldModels is null) model.Dispose();
            }
        }

        // α_far minimises Σ‖y − (α_far + (1 − α_far)w)·Δ̂‖²: linear in α_far, so a closed form, clipped to [0, 1].
        double numerator = 0, denominator = 0;
        foreach (HeldOut h in heldOut)
            for (int j = 0; j < d; j++)
            {
                double q = (1 - h.Familiarity) * h.Predicted[j];
                numerator += (h.Observed[j] - h.Familiarity * h.Predicted[j]) * q;
                denominator += q * q;
            }
        double farShrinkage = denominator > 0 ? Math.Clamp(numerator / denominator, 0, 1) : 1;

        // Far variances: E[e²] = w·near² + (1 − w)·far² + sampling variance, fitted by least squares in (1 − w).
        var far2 = new double[d];
        var shift2 = new double[d];
        double weight = heldOut.Sum(h => (1 - h.Familiarity) * (1 - h.Familiarity));
        foreach (HeldOut h in heldOut)
        {
            double alpha = farShrinkage + (1 - farShrinkage) * h.Familiarity, u = 1 - h.Familiarity;
            for (int j = 0; j < d; j++)
            {
                double e = h.Observed[j] - alpha * h.Predicted[j];
                double es = h.FullShift[j] - alpha * h.FoldShift[j];
                far2[j] += u * (e * e - h.SquaredError[j] - h.Familiarity * near2[j]);
                shift2[j] += u * es * es;
            }
        }
        for (int j = 0; j < d; j++)
        {
            far2[j] = weight > 1e-12 ? Math.Max(near2[j], far2[j] / weight) : near2[j];
            shift2[j] = weight > 1e-12 ? Math.Max(0, shift2[j] / weight) : 0;
        }
        double temperature = options.CalibrateTargets ? TargetTemperature(heldOut.Select(h => (h.Familiarity, h.FoldLogits, h.FullTargets)).ToList()) : 1;
        NoveltyCalibration calibration = Geometry(full, train, Sqrt(near2), Sqrt(far2), Sqrt(shift2), farShrinkage, options.SampleShiftUncertainty)
            .With(targetTemperature: temperature);
        tell($"calibration: α_far {farShrinkage:F3}, " + (options.CalibrateTargets ? $"τ_far {temperature:F2}, " : "") + $"length scale {calibration.LengthScale:F3}, mean SD near {Average(near2):F3} / far {Average(far2):F3}, " +
             $"shift SD far {Average(shift2):F3} (control SDs; {heldOut.Count} held-out contexts)");
        return calibration;
    }

    /// <summary>
    /// τ_far: the candidate whose tempered probabilities σ(τ·a), τ = τ_far + (1 − τ_far)·w, of the held-out contexts' fold
    /// logits a (the refits' own, uncalibrated) give the full model's MAP targets there (what the model, fitted on those
    /// drugs too, says they hit; the true targets are not observed) the highest Bernoulli log-likelihood; ties keep the
    /// larger τ_far (1, untempered, first).
    /// </summary>
    /// <param name="heldOut">Each held-out context's familiarity under its refit, the refit's logits there and the targets to fit.</param>
    internal static double TargetTemperature(IReadOnlyList<(double Familiarity, float[] Logits, bool[] Targets)> heldOut)
    {
        double best = 1, bestLogLikelihood = double.NegativeInfinity;
        foreach (double candidate in TargetTemperatures)
        {
            double logLikelihood = 0;
            foreach (var (familiarity, logits, targets) in heldOut)
            {
                double tau = NoveltyCalibration.Kept(candidate, familiarity);
                for (int j = 0; j < targets.Length; j++)
                {
                    double logit = logits[j] * tau;
                    // log σ(x) = −log(1 + e^(−x)), log(1 − σ(x)) = −log(1 + e^x).
                    logLikelihood -= targets[j] ? Softplus(-logit) : Softplus(logit);
                }
            }
            if (logLikelihood > bestLogLikelihood) (best, bestLogLikelihood) = (candidate, logLikelihood);
        }
        return best;
    }

    /// <summary>log(1 + eˣ), without overflow.</summary>
    private static double Softplus(double x) => x > 30 ? x : double.LogP1(Math.Exp(x));

    /// <summary>A calibration with the model's own standardisation of the data's perturbed contexts and the given numbers.</summary>
    private static NoveltyCalibration Geometry(GimModel model, PerturbationDataset data, float[] near, float[] far, float[] shift, double farShrinkage,
        bool sampleShiftUncertainty = true)
    {
        List<PerturbationContext> perturbed = data.Contexts.Where(c => !c.IsControl).ToList();
        List<float[]> z = Points(model, perturbed);
        Dictionary<PerturbationContext, string> perturbation = Perturbations(perturbed, z);
        var rows = new float[z.Count, model.FeatureCount];
        for (int i = 0; i < z.Count; i++)
            for (int k = 0; k < model.FeatureCount; k++) rows[i, k] = z[i][k];
        return new NoveltyCalibration
        {
            TrainingFeatures = rows,
            LengthScale = NoveltyCalibration.MedianDistanceToOtherGroups(z, perturbed.Select(c => perturbation[c]).ToList()),
            FarShrinkage = farShrinkage,
            MeanSdNear = near,
            MeanSdFar = far,
            ShiftSdFar = shift,
            SampleShiftUncertainty = sampleShiftUncertainty,
        };
    }

    /// <summary>
    /// Which perturbation each context is: contexts that share a <see cref="PerturbationContext.Group"/>, or whose
    /// calibration points (standardised features, the dose slot zeroed with a dose path) are identical, are one — so that
    /// a drug's doses, or replicates, given without a group are neither split across folds nor each other's "nearest
    /// other perturbation" (which would make the length scale 0). The value names the merged perturbation.
    /// </summary>
    internal static Dictionary<PerturbationContext, string> Perturbations(IReadOnlyList<PerturbationContext> perturbed, IReadOnlyList<float[]> points)
    {
        var parent = Enumerable.Range(0, perturbed.Count).ToArray();
        int Root(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        void Join(string key, int i)
        {
            if (first.TryGetValue(key, out int j)) parent[Root(i)] = Root(j);
            else first[key] = i;
        }
        for (int i = 0; i < perturbed.Count; i++)
        {
            Join("group\u001f" + perturbed[i].Group, i);
            Join("point\u001f" + Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(points[i].AsSpan())), i);
        }
        var result = new Dictionary<PerturbationContext, string>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < perturbed.Count; i++) result[perturbed[i]] = perturbed[Root(i)].Group;
        return result;
    }

    /// <summary>Each context's calibration point under <paramref name="model"/>: its standardised features (dose slot zeroed with a dose path).</summary>
    private static List<float[]> Points(GimModel model, IReadOnlyList<PerturbationContext> contexts) =>
        contexts.Select(c => model.CalibrationPoints(model.FeatureStandardizer.Transform(c.Features))).ToList();

    /// <summary>A context's mean in standardised units and each variable's squared standard error (sample variance / n).</summary>
    private static (double[] Mean, double[] SquaredError) Observed(PerturbationContext c, Standardizer variables)
    {
        if (!c.HasCells)
        {
            // From statistics: the population variance times n/(n − 1) is the sample variance the loop below computes.
            ContextMoments m = c.Moments;
            double[] z = m.Mean.Select((v, j) => (v - variables.Mean[j]) / variables.Scale[j]).ToArray();
            double[] se = m.Variance.Select((v, j) => m.Count > 1 ? v / (variables.Scale[j] * variables.Scale[j]) / (m.Count - 1) : 0).ToArray();
            return (z, se);
        }
        float[,] cells = c.Samples;
        int n = cells.GetLength(0), d = cells.GetLength(1);
        var mean = new double[d];
        var squaredError = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0, sumSquares = 0;
            for (int i = 0; i < n; i++)
            {
                double v = (cells[i, j] - variables.Mean[j]) / variables.Scale[j];
                sum += v;
                sumSquares += v * v;
            }
            mean[j] = sum / n;
            squaredError[j] = n > 1 ? Math.Max(0, (sumSquares - n * mean[j] * mean[j]) / (n - 1)) / n : 0;
        }
        return (mean, squaredError);
    }

    /// <summary>
    /// The model's mean without intervention, in its standardised units: a context's predicted mean (MAP targets) is this
    /// plus its total effect (<see cref="InterventionExplanation.TotalEffect"/>, the difference of the two by definition).
    /// </summary>
    private static double[] Baseline(GimModel model)
    {
        float[] mean = model.UnperturbedMean();
        return mean.Select((m, j) => (m - model.VariableStandardizer.Mean[j]) / model.VariableStandardizer.Scale[j]).ToArray();
    }

    /// <summary>The shift a model applies under MAP targets: t̂ ⊙ ψ.</summary>
    private static double[] Applied(InterventionExplanation e) =>
        e.Shift.Select((s, j) => e.TargetProbabilities[j] > 0.5f ? (double)s : 0).ToArray();

    private static float[] Sqrt(double[] v) => v.Select(x => (float)Math.Sqrt(x)).ToArray();

    private static double Average(double[] variances) => variances.Length == 0 ? 0 : Math.Sqrt(variances.Average());
}

/// <summary>
/// What the novelty calibration refits, fixed before any training (<see cref="NoveltyCalibrator.Plan"/>): the perturbed
/// training contexts, the perturbation each belongs to, the folds, and the refits' options.
/// </summary>
internal sealed record CalibrationPlan(IReadOnlyList<PerturbationContext> Perturbed, Dictionary<PerturbationContext, string> Perturbation,
    IReadOnlyList<CalibrationFold> Folds, GimOptions FoldOptions);

/// <summary>One calibration fold: the perturbation groups it holds out and the training data left.</summary>
internal sealed record CalibrationFold(HashSet<string> Held, PerturbationDataset Train);
