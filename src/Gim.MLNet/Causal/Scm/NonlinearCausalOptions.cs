namespace Gim.MLNet.Causal;

/// <summary>
/// Settings of the nonlinear causal model (<see cref="CausalModelKind.Nonlinear"/>, docs/nonlinear.md):
/// per-variable masked MLPs f_j(x) = Σ_h v_jh tanh(W_j,h·(x ⊙ m_j) + c_jh), kept contractive.
/// Defaults were chosen by measurement on the Hill screen; docs/nonlinear.md has the numbers.
/// </summary>
public sealed class NonlinearCausalOptions
{
    /// <summary>
    /// Adds a linear term to every mechanism, f_j(x) = Σ_{i≠j} L_ji x_i + MLP_j(x), so that the family contains
    /// the linear SCM (docs/nonlinear.md has what it changed on the Hill screen). Default true.
    /// </summary>
    public bool LinearTerm { get; set; } = true;

    /// <summary>Hidden units per variable's MLP. Default 8.</summary>
    public int HiddenWidth { get; set; } = 8;

    /// <summary>
    /// κ: every mechanism is rescaled so that the certified bound on its Jacobian has weighted row sums
    /// ≤ κ, making f a contraction with factor κ in a weighted max-norm. Must be in (0, 1). Default 0.9.
    /// </summary>
    public double ContractionFactor { get; set; } = 0.9;

    /// <summary>
    /// Fixed-point iterations x ← f(x) + b + u when sampling, solving counterfactuals and in the ONNX
    /// graph (unrolled). κ^K bounds the remaining error relative to the first step. Default 100.
    /// </summary>
    public int FixedPointIterations { get; set; } = 100;

    /// <summary>
    /// Largest residual max|x − f(x) − b − u| (standardised units) accepted after the iterations;
    /// above it sampling throws rather than return a point that is not an equilibrium. Default 1e-3.
    /// </summary>
    public double ConvergenceTolerance { get; set; } = 1e-3;

    /// <summary>Monte Carlo draws behind E[x] (PredictMean, Explain's total effect). Default 256.</summary>
    public int MeanSamples { get; set; } = 256;

    /// <summary>
    /// Seed of the fixed standard-normal draws behind E[x]: every mean uses the same draws (common random
    /// numbers), so means are deterministic and differences between perturbations carry little noise. Default 0.
    /// </summary>
    public int MeanSeed { get; set; }

    /// <summary>
    /// Cells per context and step when <see cref="GimOptions.CellBatchSize"/> is 0 (the nonlinear
    /// likelihood needs the cells themselves, not moments). Default 8.
    /// </summary>
    public int CellBatchSize { get; set; } = 8;

    /// <summary>How log|det(I − J)| is computed. Default <see cref="LogDeterminantMethod.Auto"/>.</summary>
    public LogDeterminantMethod LogDeterminant { get; set; } = LogDeterminantMethod.Auto;

    /// <summary>Largest d for which <see cref="LogDeterminantMethod.Auto"/> uses the exact log-determinant. Default 50.</summary>
    public int ExactLogDeterminantMaxVariables { get; set; } = 50;

    /// <summary>Terms K of the power series (<see cref="LogDeterminantMethod.PowerSeries"/>). Default 12.</summary>
    public int SeriesTerms { get; set; } = 12;

    /// <summary>Hutchinson probe vectors per cell for the power series. Default 4.</summary>
    public int SeriesProbes { get; set; } = 4;

    /// <summary>Every setting that changes training's numbers, as text (for checkpoint fingerprints).</summary>
    internal string Fingerprint() => string.Join('|', LinearTerm, HiddenWidth, ContractionFactor.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        CellBatchSize, LogDeterminant, ExactLogDeterminantMaxVariables, SeriesTerms, SeriesProbes);

    /// <summary>A copy.</summary>
    public NonlinearCausalOptions Clone() => (NonlinearCausalOptions)MemberwiseClone();

    /// <summary>Checks every setting and throws <see cref="ArgumentOutOfRangeException"/> naming the first one out of range.</summary>
    public void Validate()
    {
        Require(HiddenWidth >= 1, nameof(HiddenWidth), HiddenWidth, "≥ 1");
        Require(ContractionFactor > 0 && ContractionFactor < 1, nameof(ContractionFactor), ContractionFactor, "in (0, 1)");
        Require(FixedPointIterations >= 1, nameof(FixedPointIterations), FixedPointIterations, "≥ 1");
        Require(ConvergenceTolerance > 0 && double.IsFinite(ConvergenceTolerance), nameof(ConvergenceTolerance), ConvergenceTolerance, "a finite value > 0");
        Require(MeanSamples >= 1, nameof(MeanSamples), MeanSamples, "≥ 1");
        Require(CellBatchSize >= 1, nameof(CellBatchSize), CellBatchSize, "≥ 1");
        Require(ExactLogDeterminantMaxVariables >= 1, nameof(ExactLogDeterminantMaxVariables), ExactLogDeterminantMaxVariables, "≥ 1");
        Require(SeriesTerms >= 1, nameof(SeriesTerms), SeriesTerms, "≥ 1");
        Require(SeriesProbes >= 1, nameof(SeriesProbes), SeriesProbes, "≥ 1");
    }

    private static void Require(bool ok, string name, object value, string expected)
    {
        if (!ok)
            throw new ArgumentOutOfRangeException(name, value, $"GimOptions.Nonlinear.{name} is {value}; expected {expected}.");
    }
}
