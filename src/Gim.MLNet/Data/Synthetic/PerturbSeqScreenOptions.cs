namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// Settings of <see cref="PerturbSeqScreen"/>, a synthetic CRISPR knockdown screen with single and paired guides. The
/// defaults give 20 measured genes, 16 of them targeted, 4 of those never knocked down alone in training, and pairs in
/// every category of Norman-style benchmarks.
/// </summary>
public sealed class PerturbSeqScreenOptions
{
    /// <summary>Seed of everything drawn (graph, knockdown efficiencies, the held-out genes and pairs, cells).</summary>
    public int Seed { get; set; }

    /// <summary>Measured genes d. Default 20.</summary>
    public int Genes { get; set; } = 20;

    /// <summary>Genes with a guide (chosen at random among the d). Default 16.</summary>
    public int TargetedGenes { get; set; } = 16;

    /// <summary>Targeted genes whose single knockdown is held out (the unseen_single split). Default 4.</summary>
    public int UnseenGenes { get; set; } = 4;

    /// <summary>Pairs of two seen genes in training. Default 10.</summary>
    public int TrainPairs { get; set; } = 10;

    /// <summary>Held-out pairs of two seen genes (pairs_seen2). Default 10.</summary>
    public int PairsSeen2 { get; set; } = 10;

    /// <summary>Held-out pairs of one seen and one unseen gene (pairs_seen1). Default 10.</summary>
    public int PairsSeen1 { get; set; } = 10;

    /// <summary>Held-out pairs of two unseen genes (pairs_seen0); at most C(UnseenGenes, 2). Default 6.</summary>
    public int PairsSeen0 { get; set; } = 6;

    /// <summary>Mean number of regulators per gene; edges in both directions are allowed (feedback loops). Default 1.5.</summary>
    public double ExpectedParents { get; set; } = 1.5;

    /// <summary>Edge weights are ±U(EdgeWeightMin, EdgeWeightMax) before the rescaling that makes the system stable. Default 0.5.</summary>
    public double EdgeWeightMin { get; set; } = 0.5;

    /// <summary>See <see cref="EdgeWeightMin"/>. Default 1.5.</summary>
    public double EdgeWeightMax { get; set; } = 1.5;

    /// <summary>The bound on ρ(|B|) the weights are rescaled to when they exceed it (a contraction for both mechanisms). Default 0.8.</summary>
    public double MaxSpectralRadius { get; set; } = 0.8;

    /// <summary>How a gene reads its regulators: linearly, or through tanh(x_i − b_i) around the regulator's baseline (saturating). Default linear.</summary>
    public MechanismKind Mechanism { get; set; } = MechanismKind.Linear;

    /// <summary>Each gene's guide removes a fraction κ ~ U(KnockdownMin, KnockdownMax) of its expression. Default 0.5.</summary>
    public double KnockdownMin { get; set; } = 0.5;

    /// <summary>See <see cref="KnockdownMin"/>. Default 0.9.</summary>
    public double KnockdownMax { get; set; } = 0.9;

    /// <summary>Each gene's baseline b_j ~ U(BaselineMin, BaselineMax) (in noise units; a knockdown removes κ of it). Default 2.</summary>
    public double BaselineMin { get; set; } = 2;

    /// <summary>See <see cref="BaselineMin"/>. Default 4.</summary>
    public double BaselineMax { get; set; } = 4;

    /// <summary>
    /// Guides per targeted gene. Default 1: a gene's guide removes κ_j of it. With G &gt; 1 each guide has an efficiency of
    /// its own, κ_js ~ U(KnockdownMin, KnockdownMax) (drawn from a stream of its own, so a screen with G = 1 is the same
    /// screen as before), and the cells of a condition carry one guide per knocked-down gene, the combinations in turn
    /// (<see cref="PerturbSeqScreen.CellGuides"/>): a condition pools its guides, as a screen read without its guide
    /// column does. At most 10.
    /// </summary>
    public int GuidesPerGene { get; set; } = 1;

    /// <summary>
    /// Cell lines the screen is run in. Default 1. With L &gt; 1 every condition (controls, singles, pairs, held-out ones) is
    /// measured in each line: line 0 ("L0") is the reference, and line ℓ moves every gene's baseline by its own
    /// a_ℓj ~ N(0, <see cref="CellLineShift"/>²) (in the units of the levels, as the baselines; the noise scales σ_j are
    /// U(0.5, 1)), and every edge weight by the factor 1 + c_ℓij,
    /// c ~ N(0, <see cref="CellLineRewiring"/>²); the graph's support, the noise and the guides' efficiencies are shared. Contexts are named
    /// "g3+ctrl|cell_line=L1" and have a 0/1 feature <c>cell_line=Lℓ</c> for each line but the reference; a line's control
    /// cells are a context of their own, perturbed by the line alone (as <see cref="ScreenDesign"/> reads a vehicle
    /// of another line), and only the reference line's is the control. At most 10.
    /// </summary>
    public int CellLines { get; set; } = 1;

    /// <summary>The standard deviation of a line's baseline change a_ℓj (<see cref="CellLines"/> &gt; 1). Default 1 (the levels' units: 1 to 2 noise standard deviations).</summary>
    public double CellLineShift { get; set; } = 1;

    /// <summary>
    /// The standard deviation of a line's relative change of each edge weight (<see cref="CellLines"/> &gt; 1). Default 0: the
    /// lines share their regulation and differ in baselines only; above 0 they are wired differently, which a model with
    /// one graph for every line (GIM's covariates move intercepts only) cannot represent.
    /// </summary>
    public double CellLineRewiring { get; set; }

    /// <summary>Control cells (non-targeting guides). Default 800.</summary>
    public int ControlCells { get; set; } = 800;

    /// <summary>Cells per perturbed condition. Default 100.</summary>
    public int CellsPerCondition { get; set; } = 100;

    /// <summary>
    /// What a cell's measurements are: the genes' expression levels themselves (<see cref="PerturbSeqReadOut.Gaussian"/>, the
    /// default), or negative-binomial counts of them (<see cref="PerturbSeqReadOut.Counts"/>): x_j ~ NB(mean ℓ·CountScale·softplus(level_j),
    /// θ = CountDispersion), library factor ℓ ~ e^(LibrarySizeLogSd·N(0, 1)). Counts put the knockdown (which scales a level) behind
    /// a noisy, nonlinear read-out, as in real Perturb-seq; fit on them after normalisation (CountNormalization).
    /// </summary>
    public PerturbSeqReadOut ReadOut { get; set; } = PerturbSeqReadOut.Gaussian;

    /// <summary>Counts per unit of softplus(level) at library factor 1 (<see cref="ReadOut"/> Counts). Default 3 (a gene at baseline 3: about 9 counts).</summary>
    public double CountScale { get; set; } = 3;

    /// <summary>The negative binomial's θ (<see cref="ReadOut"/> Counts). Default 5.</summary>
    public double CountDispersion { get; set; } = 5;

    /// <summary>The standard deviation of log library size (<see cref="ReadOut"/> Counts). Default 0.3.</summary>
    public double LibrarySizeLogSd { get; set; } = 0.3;

    /// <summary>A copy.</summary>
    public PerturbSeqScreenOptions Clone() => (PerturbSeqScreenOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        void Require(bool ok, string name, object value, string expected)
        {
            if (!ok) throw new ArgumentException($"PerturbSeqScreenOptions.{name} is {value}; expected {expected}.", name);
        }
        Require(Genes >= 2, nameof(Genes), Genes, "≥ 2");
        Require(TargetedGenes >= 2 && TargetedGenes <= Genes, nameof(TargetedGenes), TargetedGenes, $"between 2 and Genes ({Genes})");
        Require(UnseenGenes >= 0 && UnseenGenes < TargetedGenes, nameof(UnseenGenes), UnseenGenes, $"≥ 0 and below TargetedGenes ({TargetedGenes})");
        int seen = TargetedGenes - UnseenGenes;
        Require(TrainPairs >= 0, nameof(TrainPairs), TrainPairs, "≥ 0");
        Require(PairsSeen2 >= 0 && TrainPairs + PairsSeen2 <= seen * (seen - 1) / 2, nameof(PairsSeen2), PairsSeen2,
            $"≥ 0 and, with TrainPairs ({TrainPairs}), at most C(seen genes, 2) = {seen * (seen - 1) / 2}");
        Require(PairsSeen1 >= 0 && PairsSeen1 <= seen * UnseenGenes, nameof(PairsSeen1), PairsSeen1, $"between 0 and {seen * UnseenGenes}");
        Require(PairsSeen0 >= 0 && PairsSeen0 <= UnseenGenes * (UnseenGenes - 1) / 2, nameof(PairsSeen0), PairsSeen0, $"between 0 and {UnseenGenes * (UnseenGenes - 1) / 2}");
        Require(ExpectedParents >= 0 && ExpectedParents <= Genes - 1, nameof(ExpectedParents), ExpectedParents, $"between 0 and {Genes - 1}");
        Require(EdgeWeightMin > 0, nameof(EdgeWeightMin), EdgeWeightMin, "> 0");
        Require(EdgeWeightMax >= EdgeWeightMin, nameof(EdgeWeightMax), EdgeWeightMax, $"≥ EdgeWeightMin ({EdgeWeightMin})");
        Require(MaxSpectralRadius > 0 && MaxSpectralRadius < 1, nameof(MaxSpectralRadius), MaxSpectralRadius, "in (0, 1)");
        Require(Enum.IsDefined(Mechanism), nameof(Mechanism), Mechanism, "Linear or Nonlinear");
        Require(KnockdownMin > 0 && KnockdownMin <= 1, nameof(KnockdownMin), KnockdownMin, "in (0, 1]");
        Require(KnockdownMax >= KnockdownMin && KnockdownMax <= 1, nameof(KnockdownMax), KnockdownMax, $"in [KnockdownMin ({KnockdownMin}), 1]");
        Require(BaselineMax >= BaselineMin, nameof(BaselineMax), BaselineMax, $"≥ BaselineMin ({BaselineMin})");
        Require(GuidesPerGene >= 1 && GuidesPerGene <= 10, nameof(GuidesPerGene), GuidesPerGene, "between 1 and 10");
        Require(CellLines >= 1 && CellLines <= 10, nameof(CellLines), CellLines, "between 1 and 10");
        Require(CellLineShift >= 0 && double.IsFinite(CellLineShift), nameof(CellLineShift), CellLineShift, "a finite value ≥ 0");
        Require(CellLineRewiring >= 0 && double.IsFinite(CellLineRewiring), nameof(CellLineRewiring), CellLineRewiring, "a finite value ≥ 0");
        Require(ControlCells >= 2, nameof(ControlCells), ControlCells, "≥ 2");
        Require(CellsPerCondition >= 2 && CellsPerCondition >= GuidesPerGene * GuidesPerGene, nameof(CellsPerCondition), CellsPerCondition,
            $"≥ 2 and ≥ GuidesPerGene² ({GuidesPerGene * GuidesPerGene}: a cell for every guide pair)");
        Require(Enum.IsDefined(ReadOut), nameof(ReadOut), ReadOut, "Gaussian or Counts");
        Require(CountScale > 0 && double.IsFinite(CountScale), nameof(CountScale), CountScale, "a finite value > 0");
        Require(CountDispersion > 0, nameof(CountDispersion), CountDispersion, "> 0 (∞: Poisson)");
        Require(LibrarySizeLogSd >= 0 && double.IsFinite(LibrarySizeLogSd), nameof(LibrarySizeLogSd), LibrarySizeLogSd, "a finite value ≥ 0");
    }
}

/// <summary>What the knockdown screen's cells measure (<see cref="PerturbSeqScreenOptions.ReadOut"/>).</summary>
public enum PerturbSeqReadOut
{
    /// <summary>The expression levels themselves (Gaussian noise in each mechanism).</summary>
    Gaussian,

    /// <summary>Negative-binomial counts of the levels, with varying library size.</summary>
    Counts,
}
