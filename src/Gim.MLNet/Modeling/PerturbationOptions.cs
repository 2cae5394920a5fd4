namespace Gim.MLNet.Modeling;

/// <summary>
/// What every perturbation model's settings share, GIM's and each peer's alike: the seed, a way to cancel
/// training, and the columns the ML.NET estimator of the model reads and writes (one row per cell, so a
/// pipeline swaps GIM for a peer by swapping the trainer). Each model has one flat options class deriving from
/// this one (<c>GimOptions</c>, <c>MeanShiftOptions</c>...): the same object configures the plain trainer on a
/// <see cref="Data.PerturbationDataset"/> and the ML.NET estimator, as ML.NET's own trainers take one flat
/// Options object.
/// </summary>
public abstract class PerturbationOptions
{
    private protected PerturbationOptions()
    {
    }

    /// <summary>
    /// Seed of every random draw in training (initialisation, relaxations) and of the exported sampler. Null (the
    /// default): the ML.NET estimator takes one from the MLContext's random source, so <c>new MLContext(seed: n)</c>
    /// makes the whole pipeline reproducible; a plain trainer uses 0. Methods that draw nothing ignore it.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Cancels training between steps; training then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// The perturbation features γ (ML.NET estimator): a known-size vector of <see cref="float"/>, identical on every
    /// row of a context (build it with Concatenate, NormalizeMeanVariance, OneHotEncoding...). The exported ONNX graph
    /// names its input after this column. Default "Features".
    /// </summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The measured cell (ML.NET estimator): a known-size vector of <see cref="float"/>, one variable per slot. Its slot names, when present, become the variable names. Default "Measurements".</summary>
    public string MeasurementsColumnName { get; set; } = "Measurements";

    /// <summary>The context (experimental condition) of each row (ML.NET estimator): a key, string or integer column. Default "Context".</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>
    /// A <see cref="bool"/> column that is true on the rows of control (unperturbed) contexts (ML.NET estimator).
    /// Ignored when <see cref="ControlContextValue"/> is set. Default "IsControl".
    /// </summary>
    public string? ControlColumnName { get; set; } = "IsControl";

    /// <summary>
    /// The context value (as text: the key's value, the string, or the integer) that marks the control
    /// context; when set, <see cref="ControlColumnName"/> is not read. Default null.
    /// </summary>
    public string? ControlContextValue { get; set; }

    /// <summary>
    /// Optional column naming the perturbation each row's context belongs to (ML.NET estimator): a key, string or
    /// integer column, constant within a context, e.g. the drug of a drug-at-dose context. Methods that validate on
    /// held-out perturbations (LinearFeatures' penalty) then hold out whole groups, never one dose of a drug whose
    /// other doses they train on. Null (the default): each context is its own group.
    /// </summary>
    public string? GroupColumnName { get; set; }

    /// <summary>Output column with one draw per row from the predicted distribution (original units). Default "Sample".</summary>
    public string SampleColumnName { get; set; } = "Sample";

    /// <summary>Output column with the predicted mean E[x | γ] (original units). Default "PredictedMean".</summary>
    public string PredictedMeanColumnName { get; set; } = "PredictedMean";

    /// <summary>
    /// Output column with the target probabilities π(γ), written only by methods with a notion of targets (GIM,
    /// TwoStageCausal). The peers without mechanisms (Control, TrainingMean, LinearFeatures, NearestContext,
    /// MeanShift, ConditionalGaussian) write no such column rather than numbers that would read as a mechanistic
    /// prediction. Default "TargetProbabilities".
    /// </summary>
    public string TargetProbabilitiesColumnName { get; set; } = "TargetProbabilities";

    /// <summary>
    /// Output column with a shift in control standard deviations: the shifts ψ(γ) of the targeted mechanisms for
    /// GIM and TwoStageCausal; the predicted effect on the mean for the peers without mechanisms. Default "Shift".
    /// </summary>
    public string ShiftColumnName { get; set; } = "Shift";

    /// <summary>The seed a plain trainer uses: <see cref="Seed"/>, or 0 when it is null.</summary>
    internal int SeedOrDefault => Seed ?? 0;

    /// <summary>True when the method has a notion of targets, so its model writes the target-probabilities column.</summary>
    internal virtual bool WritesTargetProbabilities => false;

    /// <summary>True when the fitted transformer reads cells from the measurements column (GIM's counterfactual mode).</summary>
    internal virtual bool ReadsMeasurementsAtPrediction => false;

    /// <summary>The output columns, in the order the transformer writes them.</summary>
    internal string[] OutputColumnNames() => (WritesTargetProbabilities
        ? new[] { SampleColumnName, PredictedMeanColumnName, TargetProbabilitiesColumnName, ShiftColumnName }
        : new[] { SampleColumnName, PredictedMeanColumnName, ShiftColumnName }).Concat(AdditionalOutputColumns().Select(c => c.Name)).ToArray();

    /// <summary>Output columns a method writes after the common ones, with the setting that names each (GIM: the predicted mean's standard deviation).</summary>
    private protected virtual IEnumerable<(string Name, string Property)> AdditionalOutputColumns() => Array.Empty<(string, string)>();

    /// <summary>Checks every setting and throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/>) naming the first one that is wrong.</summary>
    public virtual void Validate()
    {
    }

    /// <summary>
    /// Checks the column names: every one set, and no name used for two roles among the outputs, the features
    /// column and (when the transformer reads it) the measurements column.
    /// </summary>
    internal void ValidateColumns()
    {
        string name = GetType().Name;
        foreach (var (value, property) in new[] {
            (FeatureColumnName, nameof(FeatureColumnName)), (MeasurementsColumnName, nameof(MeasurementsColumnName)),
            (ContextColumnName, nameof(ContextColumnName)), (SampleColumnName, nameof(SampleColumnName)),
            (PredictedMeanColumnName, nameof(PredictedMeanColumnName)), (TargetProbabilitiesColumnName, nameof(TargetProbabilitiesColumnName)),
            (ShiftColumnName, nameof(ShiftColumnName)) }.Concat(AdditionalOutputColumns()))
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{name}.{property} must name a column.", "options");
        var names = OutputColumnNames().Append(FeatureColumnName).ToList();
        if (ReadsMeasurementsAtPrediction) names.Add(MeasurementsColumnName);
        string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
            throw new ArgumentException($"{name}: the column name '{duplicate}' is used for two roles; the output columns and the ONNX inputs must have distinct names.", "options");
    }

    /// <summary>A copy (settings that are objects of their own, such as GIM's nonlinear settings, are copied too; the token and sinks are shared).</summary>
    public virtual PerturbationOptions Clone() => (PerturbationOptions)MemberwiseClone();

    /// <summary>Checks a list of covariate feature names (the baselines' <c>CovariateFeatures</c>): null, or distinct non-blank names.</summary>
    internal void RequireCovariateNames(IReadOnlyList<string>? names, string property)
    {
        if (names is null) return;
        Require(names.All(n => !string.IsNullOrWhiteSpace(n)), property, string.Join(", ", names.Select(n => n is null ? "null" : $"'{n}'")), "feature names, none blank");
        Require(names.Distinct(StringComparer.Ordinal).Count() == names.Count, property, string.Join(", ", names), "distinct feature names");
    }

    /// <summary>Throws naming this options class, the setting, its value and what was expected.</summary>
    internal void Require(bool ok, string name, object value, string expected)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(name, value, $"{GetType().Name}.{name} is {value}; expected {expected}.");
    }
}
