namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// Settings of <see cref="SingleCellScreen"/>, a synthetic single-cell drug screen as sci-Plex records one: raw counts,
/// drugs × 4 doses (10 nM to 10 µM) × cell lines, vehicle cells, and a descriptor table. The defaults are small enough
/// for tests (200 genes, ~4,000 cells); the issue-19 bar runs 2,000 genes and 50,000 cells (docs/single-cell.md).
/// </summary>
public sealed class SingleCellScreenOptions
{
    /// <summary>Seed of everything drawn. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Measured genes. Default 200.</summary>
    public int Genes { get; set; } = 200;

    /// <summary>Cell lines, each with its own baseline and drug sensitivity. Default 2.</summary>
    public int CellLines { get; set; } = 2;

    /// <summary>Drugs. Default 12.</summary>
    public int Drugs { get; set; } = 12;

    /// <summary>The doses in nM (sci-Plex: 10, 100, 1,000, 10,000). Default those four.</summary>
    public IReadOnlyList<double> Doses { get; set; } = new[] { 10.0, 100, 1000, 10000 };

    /// <summary>Cells per drug, dose and line. Default 40.</summary>
    public int CellsPerCondition { get; set; } = 40;

    /// <summary>Vehicle cells per line. Default 160.</summary>
    public int VehicleCellsPerLine { get; set; } = 160;

    /// <summary>Numeric descriptors per drug (the descriptor table's columns). Default 8.</summary>
    public int Descriptors { get; set; } = 8;

    /// <summary>
    /// ρ in [0, 1]: how much of a drug's targets, shifts and potency its descriptors determine (1: all; 0: nothing, the
    /// descriptors are noise). Default 0.8.
    /// </summary>
    public double DescriptorInformativeness { get; set; } = 0.8;

    /// <summary>Genes whose mechanism each drug shifts. Default 3.</summary>
    public int TargetsPerDrug { get; set; } = 3;

    /// <summary>Expected regulators per gene (a random DAG over a random gene order). Default 1.5.</summary>
    public double ExpectedParents { get; set; } = 1.5;

    /// <summary>How a gene reads its regulators (linear, or saturating tanh). Default linear.</summary>
    public MechanismKind Mechanism { get; set; } = MechanismKind.Linear;

    /// <summary>A target's maximal shift of its mechanism, in latent log-expression units, for a top-scoring drug. Default 1.5.</summary>
    public double EffectSize { get; set; } = 1.5;

    /// <summary>Standard deviation of the latent noise ε. Default 0.3.</summary>
    public double NoiseSd { get; set; } = 0.3;

    /// <summary>Standard deviation of a line's baseline offset from the first line's, per gene. Default 0.5.</summary>
    public double CellLineShift { get; set; } = 0.5;

    /// <summary>Median total counts per cell (library size). Default 3,000.</summary>
    public double MedianLibrarySize { get; set; } = 3000;

    /// <summary>Standard deviation of log library size. Default 0.3.</summary>
    public double LibrarySizeLogSd { get; set; } = 0.3;

    /// <summary>The negative-binomial dispersion θ (variance μ + μ²/θ); <see cref="double.PositiveInfinity"/> gives Poisson. Default 5.</summary>
    public double Dispersion { get; set; } = 5;

    /// <summary>The perturbation label of the vehicle cells. Default "vehicle".</summary>
    public string VehicleLabel { get; set; } = "vehicle";

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object value, string expected)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"SingleCellScreenOptions.{name} must be {expected}.");
        }
        Require(Genes >= 2, nameof(Genes), Genes, "≥ 2");
        Require(CellLines >= 1, nameof(CellLines), CellLines, "≥ 1");
        Require(Drugs >= 1, nameof(Drugs), Drugs, "≥ 1");
        Require(Doses is { Count: > 0 } && Doses.All(d => d > 0 && double.IsFinite(d)), nameof(Doses), Doses ?? Array.Empty<double>(), "one or more finite concentrations > 0");
        Require(CellsPerCondition >= 1, nameof(CellsPerCondition), CellsPerCondition, "≥ 1");
        Require(VehicleCellsPerLine >= 2, nameof(VehicleCellsPerLine), VehicleCellsPerLine, "≥ 2");
        Require(Descriptors >= 1, nameof(Descriptors), Descriptors, "≥ 1");
        Require(DescriptorInformativeness is >= 0 and <= 1, nameof(DescriptorInformativeness), DescriptorInformativeness, "in [0, 1]");
        Require(TargetsPerDrug >= 1 && TargetsPerDrug <= Genes, nameof(TargetsPerDrug), TargetsPerDrug, $"in [1, Genes = {Genes}]");
        Require(ExpectedParents >= 0 && double.IsFinite(ExpectedParents), nameof(ExpectedParents), ExpectedParents, "a finite number ≥ 0");
        Require(EffectSize >= 0 && double.IsFinite(EffectSize), nameof(EffectSize), EffectSize, "a finite number ≥ 0");
        Require(NoiseSd > 0 && double.IsFinite(NoiseSd), nameof(NoiseSd), NoiseSd, "a finite number > 0");
        Require(CellLineShift >= 0 && double.IsFinite(CellLineShift), nameof(CellLineShift), CellLineShift, "a finite number ≥ 0");
        Require(MedianLibrarySize >= 1 && double.IsFinite(MedianLibrarySize), nameof(MedianLibrarySize), MedianLibrarySize, "a finite number ≥ 1");
        Require(LibrarySizeLogSd >= 0 && double.IsFinite(LibrarySizeLogSd), nameof(LibrarySizeLogSd), LibrarySizeLogSd, "a finite number ≥ 0");
        Require(Dispersion > 0, nameof(Dispersion), Dispersion, "> 0 (∞ for Poisson)");
        Require(!string.IsNullOrWhiteSpace(VehicleLabel), nameof(VehicleLabel), VehicleLabel ?? "", "a non-empty label");
    }
}
