using Gim.MLNet.Data;
using Gim.MLNet.Modeling;

namespace Gim.MLNet.Causal;

/// <summary>
/// Settings of a Generative Intervention Model: its training (METHOD.md §4–5), its predictions, and (inherited) its
/// seed and the columns of its ML.NET estimator. One flat object configures both <see cref="GimTrainer"/> and
/// <c>mlContext.Perturbation().Trainers.Gim(options)</c>. Defaults were chosen by measurement on the Hill-function
/// screen; docs/results.md has the sweep.
/// </summary>
public sealed class GimOptions : PerturbationOptions
{
    /// <summary>The causal model over the measured variables. Default <see cref="CausalModelKind.Linear"/>.</summary>
    public CausalModelKind CausalModel { get; set; } = CausalModelKind.Linear;

    /// <summary>Settings of the nonlinear causal model (used when <see cref="CausalModel"/> is <see cref="CausalModelKind.Nonlinear"/>).</summary>
    public NonlinearCausalOptions Nonlinear { get; set; } = new();

    /// <summary>Which parameters an intervention changes. Default <see cref="InterventionKind.Shift"/>.</summary>
    public InterventionKind Interventions { get; set; } = InterventionKind.Shift;

    /// <summary>Hidden layers of the encoder MLP; 0 = linear heads on the standardised features. Default 0.</summary>
    public int EncoderDepth { get; set; }

    /// <summary>Width of each hidden layer (ignored when <see cref="EncoderDepth"/> is 0). Default 64.</summary>
    public int EncoderWidth { get; set; } = 64;

    /// <summary>
    /// λ_t: weight of the mean target probability in the objective; larger means sparser targets.
    /// Default 1, chosen with <see cref="FreePhase"/> on the panel's development seeds (0.13.0, docs/results.md, "Free
    /// phase"): the free phase needs the weaker penalty (with 3 it did nothing; 1 alone gave less than half its gain).
    /// Until 0.12.2 the default was 3 (Hill screen sweep: 0.05 gave fully-OOD target AUROC 0.77, 0.5–5 gave 0.86–0.89).
    /// </summary>
    public double TargetSparsity { get; set; } = 1;

    /// <summary>
    /// Weight of the control contexts' known "no target" in the objective: Σ_j −log(1 − π_j(γ_control)) per
    /// control, weighted like its likelihood. Controls are observed without intervention (t = 0), so this is the
    /// log-likelihood of their observed targets; without it the encoder never learns that a control's features
    /// mean "nothing targeted" and only λ_t pushes π(γ_control) down (with a small λ_t, predictions for the
    /// control's own features then showed invented targets). 0 turns it off. Default 1.
    /// </summary>
    public double ControlTargetWeight { get; set; } = 1;

    /// <summary>
    /// The free phase, a share of <see cref="MaxSteps"/> in [0, 1): for its first half every training context's target
    /// logits and shifts are free parameters of its own instead of the encoder's heads, and in its second half they are
    /// blended linearly into the heads, which alone remain after it. The causal model and the contexts' targets first
    /// settle as the two-stage peer's first stage does; the encoder then learns, through the blend, what they found.
    /// Calibration refits run the same share of their own steps. 0 turns it off; a warm start (<see cref="WarmStart"/>)
    /// has none (it already is a fit's). Evaluations on validation data during the fit's phase are reported but neither stop
    /// the fit early nor become its best state; a fit stacked with calibration refits that have not yet run their steps
    /// keeps the best state it would keep alone and stops once they have. While the heads get no gradient from the data (the first half), the
    /// weight decay still pulls the encoder's weights toward 0, so the encoder enters the blend near "no effect". The free
    /// interventions and their Adam moments take 8·K·d numbers per fit (K training contexts, d variables; each stacked
    /// calibration refit as many again) until the fit ends. Default 0.5 (with <see cref="TargetSparsity"/> = 1; 0.13.0): on the panel's
    /// development seeds the targets named for known drugs at new doses went from AUROC 0.966 to 0.983, other measures
    /// level; on Sachs' development splits the nominal targets from 0.61 to 0.68 with better held-out cells; 0.75 was no
    /// better (docs/results.md, "Free phase", which also says where it costs: graph recovery on Sachs and the Perturb-seq
    /// screens; its time is within a few percent of a fit without it, docs/performance.md).
    /// </summary>
    public double FreePhase { get; set; } = 0.5;

    /// <summary>
    /// λ_B: weight of the L1 norm of the graph B. Default 0.01. Raise it (0.05 did on the Hill panel's development seeds)
    /// when the targets a fit names for its own training perturbations contradict what is known of them: a fit can settle
    /// on spare edges that explain a drug through the wrong mechanisms. It is not the default because the same value made
    /// Sachs and low-count screens worse (docs/results.md, development-seed experiments, 0.12.1).
    /// </summary>
    public double GraphSparsity { get; set; } = 0.01;

    /// <summary>
    /// Rank of the graph while it trains: 0 (the default) trains a dense B; r in 1..d − 1 trains B = U Vᵀ with its diagonal
    /// set to zero (U, V: d × r), a graph whose d genes act on each other through r shared programmes. The likelihood then
    /// costs O(d² r) a step instead of the dense O(d³) (a log-determinant and products with the pooled covariance), which is
    /// what makes thousands of genes trainable on a CPU (docs/performance.md, "Genes by the thousand"). After the fit B is
    /// written out dense, so the model predicts, explains, saves and exports as any linear GIM. Needs the linear causal
    /// model and no warm start. The fit is fast only where the likelihood pools covariances (Shift interventions, full
    /// batches of contexts and of cells, no known Knockdown/Hard targets); elsewhere it reads B dense and costs what a dense fit costs.
    /// </summary>
    public int GraphRank { get; set; }

    /// <summary>
    /// L2 penalty on the encoder's weight matrices. Default 0.001: it improved fully-OOD MMD (0.041 → 0.038) and
    /// target AUROC (0.889 → 0.906) on the Hill screen; 0.01 and more collapse the encoder towards "no effect".
    /// </summary>
    public double WeightDecay { get; set; } = 1e-3;

    /// <summary>Adam learning rate. Default 0.01 (0.02 and 0.05 were worse out of distribution; see docs/results.md).</summary>
    public double LearningRate { get; set; } = 0.01;

    /// <summary>Number of optimisation steps (an upper bound when early stopping is on). Default 2000.</summary>
    public int MaxSteps { get; set; } = 2000;

    /// <summary>Binary-concrete temperature at the first step. Default 1.0.</summary>
    public double InitialTemperature { get; set; } = 1.0;

    /// <summary>Binary-concrete temperature at the last step (annealed geometrically). Default 0.1.</summary>
    public double FinalTemperature { get; set; } = 0.1;

    /// <summary>Use hard 0/1 targets in the forward pass with relaxed gradients. Default false.</summary>
    public bool StraightThrough { get; set; }

    /// <summary>M: relaxed target draws per context and step. Default 1.</summary>
    public int RelaxationDraws { get; set; } = 1;

    /// <summary>
    /// Initial target logit of the encoder's heads (−2 gives a prior target rate of about 0.12). Default −2. The free
    /// phase's per-context logits (<see cref="FreePhase"/>) start at 0 whatever this is, so while they stand in for the
    /// heads this setting has no effect; starting them at −2 instead was within noise on the panel's development seeds
    /// (pood target AUROC 0.981 against 0.983; docs/results/dev-seeds/free-phase-0.13.0).
    /// </summary>
    public double InitialTargetLogit { get; set; } = -2.0;

    /// <summary>How contexts are weighted in the objective. Default <see cref="ContextWeighting.Equal"/>.</summary>
    public ContextWeighting Weighting { get; set; } = ContextWeighting.Equal;

    /// <summary>
    /// The name of the feature that holds the dose (a concentration &gt; 0 in any unit for every perturbed context; 0 for
    /// the vehicle), or null (the default) for none. When set, GIM's shifts follow a saturating Hill curve of this
    /// feature, ψ(γ)·cⁿ/(Kⁿ + cⁿ), with a half-effect dose K and steepness n learned with everything else (one curve for
    /// all perturbations, or one per perturbation with <see cref="DoseCurveFromFeatures"/>; docs/method.md, "Dose"),
    /// instead of moving linearly with it: doses outside the training range then saturate rather than extrapolate, and
    /// a perturbation at dose 0 does nothing. Give the dose itself, not its logarithm. Default null because a feature
    /// table carries no mark of which column is a dose.
    /// </summary>
    public string? DoseFeature { get; set; }

    /// <summary>
    /// With <see cref="DoseFeature"/>: whether each perturbation's curve (its half-effect dose K and steepness n) is
    /// learned from its other features (true), or one curve shape serves every perturbation, each still with its own
    /// maximal shifts (false, the default). Default false: on the development seeds of the evaluation panel the shared
    /// curve predicted unseen doses as well where descriptors determine the curve and better where they are noisy or
    /// few (docs/results.md, "Dose response"); four doses per drug identify little more than one K and n.
    /// </summary>
    public bool DoseCurveFromFeatures { get; set; }

    /// <summary>
    /// How <see cref="DoseFeature"/> holds the dose: the concentration itself (<see cref="DoseEncoding.Concentration"/>,
    /// the default, as before 0.10.0) or log10(1 + concentration) (<see cref="DoseEncoding.Log10OnePlus"/>, what
    /// <see cref="ScreenDesign"/> writes by default): the dose curve reads the concentration either way, so the same
    /// screen read with the design's defaults can have a saturating dose path and still give the simple baselines the
    /// log-dose they fit linearly.
    /// </summary>
    public DoseEncoding DoseEncoding { get; set; } = DoseEncoding.Concentration;

    /// <summary>
    /// The features that describe the cells rather than the perturbation: the covariate indicators of a screen with several
    /// cell lines (or donors, batches), e.g. <c>ScreenDesign.CovariateFeatureNames(data.FeatureNames)</c>; null (the default)
    /// for none. Each moves every mechanism's intercept by its own learned amount, β = U·x_cov on the raw feature values
    /// (0 at the reference level), whatever the perturbation's targets (docs/method.md, "Covariates"). β is not scaled by
    /// the dose curve, so a line's vehicle (dose 0, a perturbed context of its own) keeps its line's difference with
    /// <see cref="DoseFeature"/> set; and the novelty calibration does not shrink it, so a new drug in a known line is
    /// predicted from that line's baseline. The heads still read the covariates, so a drug's effect can differ by line.
    /// With <see cref="KnownTargets"/> a declared target's intervention acts on its line's mechanism, intercept b + β
    /// included: a knockdown keeps the fraction h of the line's level, a knockout (Hard) removes it (since 0.15.0).
    /// Default null: a feature table carries no mark of which features are covariates.
    /// </summary>
    public IReadOnlyList<string>? CovariateFeatures { get; set; }

    /// <summary>Contexts per step; 0 = all (full batch). Default 0.</summary>
    public int ContextBatchSize { get; set; }

    /// <summary>
    /// Cells per context and step; 0 = all cells. With all cells the linear model's likelihood is
    /// computed exactly from each context's mean and covariance, so a step never touches the cells.
    /// The nonlinear model needs cells: 0 then means <see cref="NonlinearCausalOptions.CellBatchSize"/>.
    /// Default 0.
    /// </summary>
    public int CellBatchSize { get; set; }

    /// <summary>Evaluate (and report progress) every this many steps. Default 100.</summary>
    public int EvaluateEvery { get; set; } = 100;

    /// <summary>Stop after this many evaluations without improvement of the validation likelihood
    /// (only when validation contexts are given: <c>GimEstimator.Fit(train, validation)</c> or
    /// <c>GimTrainer.Fit(train, validation)</c>); 0 = never stop early. Default 5 evaluations (500 steps at the
    /// default <see cref="EvaluateEvery"/>); the best parameters seen are kept.</summary>
    public int EarlyStoppingPatience { get; set; } = 5;

    /// <summary>
    /// CPU threads for TorchSharp's intra-op parallelism while training; 0 = automatic (one thread below
    /// 256 variables, where every tensor op is too small to split and extra threads only spin and wait).
    /// Default 0. With 0, below 256 variables and two cores or more, the calibration refits train on a second thread
    /// beside the main fit (unless validation data can stop it early), which takes their cost off a fit's time: a linear
    /// GIM's stacked together, otherwise (nonlinear model, mini-batches, checkpoints) one after another as fits of their
    /// own (each the same fit on either thread). 1 keeps the whole fit on one core (the refits then train stacked with the
    /// main fit, or after it).
    /// </summary>
    public int Threads { get; set; }

    /// <summary>TorchSharp device for training: "cpu" or "cuda" / "cuda:N". Default "cpu".</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// File to checkpoint training to every <see cref="CheckpointEvery"/> steps; null = no checkpoints.
    /// If the file exists when training starts and was written by the same data and options, training
    /// resumes from it and ends with exactly the parameters of an uninterrupted run. Deleted when
    /// training completes.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Steps between checkpoints (when <see cref="CheckpointPath"/> is set). Default 500.</summary>
    public int CheckpointEvery { get; set; } = 500;

    /// <summary>Optional progress sink, called every <see cref="EvaluateEvery"/> steps (with the ML.NET estimator, in addition to mlContext.Log).</summary>
    public IProgress<GimTrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Where training starts. Null (the default): METHOD's start, B = 0, b = 0, log s = 0 and the encoder's random
    /// initialisation. <c>new TwoStageWarmStart()</c>: the two-stage solution (interventions fitted per context, then a
    /// ridge map from the features), which needs the linear causal model, EncoderDepth 0 and Shift interventions. On the
    /// Hill screen, with MaxSteps = 500, it named the targets of new drugs better than the zero start (AUROC 0.925 vs
    /// 0.906; the two-stage peer 0.952) at about the same MMD (docs/results.md, "Warm start").
    /// <see cref="GimWarmStart.From"/> starts from given parameters. A warm start that trains (the two-stage one) counts
    /// in the model's <c>FitTime</c> (and the benchmarks' fit_seconds): it is part of what fitting this GIM costs; a run
    /// resumed from a checkpoint fits it again.
    /// </summary>
    public GimWarmStart? WarmStart { get; set; }

    /// <summary>
    /// Known targets (genetic screens): <see cref="KnownTargetKind.None"/> (the default) learns every target from the features.
    /// Otherwise every feature whose name is a variable's name is that variable's 0/1 target indicator (what
    /// <c>CombinationLabels</c> makes of "GENE1+GENE2" labels whose genes are measured variables): a context with 1 there
    /// targets the variable with this kind of intervention, whatever the encoder's target probabilities say; other variables
    /// keep learned, sparse off-target shifts. Needs the linear causal model, full batches of contexts' moments, no dose
    /// feature and no calibration (a fit with <see cref="CalibrationFolds"/> &gt; 0 says so and skips it: the calibration's
    /// familiarity is distance in feature space, where an unseen gene is far from every training guide by construction).
    /// The model saves and exports like any linear GIM; for Knockdown and Hard its ONNX graph solves each row's system by
    /// Woodbury (an r × r system for its r targets) with ONNX Runtime's contrib <c>Inverse</c> operator (com.microsoft).
    /// </summary>
    public KnownTargetKind KnownTargets { get; set; } = KnownTargetKind.None;

    /// <summary>Whether declared targets change their mechanisms' inputs (Knockdown, Hard): each context then has its own system matrix.</summary>
    internal bool KnownTargetsChangeInputs => KnownTargets is KnownTargetKind.Knockdown or KnownTargetKind.Hard;

    /// <summary>Tests only: known targets always through the per-context form (K·d³), to compare fits with the lemma's.</summary>
    internal bool PerContextKnownTargets { get; set; }

    /// <summary>Whether a model over <paramref name="variables"/> variables reads known targets by the lemma (<see cref="LinearCausalModel.TargetLemmaFrom"/>).</summary>
    internal bool ReadsTargetsByLemma(int variables) => !PerContextKnownTargets && variables >= LinearCausalModel.TargetLemmaFrom;

    /// <summary>
    /// Whether known Knockdown targets (by the lemma) read only their targets' rows of each context's covariance beside the
    /// pool (<see cref="LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows"/>): from <see cref="LinearCausalModel.TargetLemmaFrom"/>
    /// variables, and at any size from statistics (<paramref name="hasCells"/> false), which hold only those rows; internal
    /// <see cref="FullCovarianceKnockdowns"/> and <see cref="PerContextKnownTargets"/> keep the full covariances (tests compare the forms).
    /// </summary>
    internal bool ReadsKnockdownRows(int variables, bool hasCells = true) =>
        KnownTargets == KnownTargetKind.Knockdown && !FullCovarianceKnockdowns && (hasCells ? ReadsTargetsByLemma(variables) : !PerContextKnownTargets);

    /// <summary>Tests only: known Knockdown targets by the lemma from each context's full covariance instead of its targets' rows.</summary>
    internal bool FullCovarianceKnockdowns { get; set; }

    /// <summary>
    /// How the ML.NET transformer's samples pick their targets: <see cref="PredictionMode.Map"/> (default) or
    /// <see cref="PredictionMode.Marginal"/>. Ignored when <see cref="Counterfactual"/> is true. (In process,
    /// <see cref="GimModel.Sample(float[], int, PredictionMode, int)"/> takes the mode per call.)
    /// </summary>
    public PredictionMode Mode { get; set; } = PredictionMode.Map;

    /// <summary>
    /// When true, the fitted ML.NET transformer reads a control cell from the measurements column of each
    /// row it transforms, and its Sample column is that cell under the predicted perturbation
    /// (METHOD §6; MAP targets, deterministic). When false (the default) the measurements column is
    /// not needed at prediction time and Sample is a random draw.
    /// </summary>
    public bool Counterfactual { get; set; }

    /// <summary>
    /// Leave-perturbation-groups-out refits after training that calibrate the model's novelty (<see cref="NoveltyCalibration"/>):
    /// how much of the predicted intervention survives far from the training perturbations, and the predictive standard
    /// deviations. 0 turns calibration off (predictions then apply ψ(γ) as fitted, with no standard deviation); otherwise
    /// ≥ 2, and it needs at least that many perturbation groups (with fewer, the fit says so and skips it). Default 3 (each
    /// refit keeps two thirds of the drugs): on the evaluation panel's development seeds (docs/results.md) it took GIM from
    /// worse than Control to about Control's level on new drugs in the families whose descriptors say little, with 90%
    /// intervals covering 85–93% of held-out means; other fold counts were not compared.
    /// </summary>
    public int CalibrationFolds { get; set; } = 3;

    /// <summary>
    /// Each calibration refit runs this share of <see cref="MaxSteps"/> (at least one step), in (0, 1]: trained with the
    /// main fit (the default setup: beside it on a second thread, or stacked with it, see <see cref="Threads"/>), its
    /// temperature schedule spans those steps (stacked, it is frozen after them and stops with the main fit if that stops
    /// early); refitted after the main fit (checkpoints, mini-batches, the nonlinear model), it runs this share of the
    /// steps the main fit ran. Default 0.5: on
    /// the panel's development seeds, refits of 1,000 steps (of 2,000) gave the same new-drug accuracy and coverage as full
    /// refits at half their cost; 500 steps cost accuracy in two families (docs/results.md).
    /// </summary>
    public double CalibrationStepFraction { get; set; } = 0.5;

    /// <summary>
    /// Whether the novelty calibration also tempers an unfamiliar perturbation's target logits toward 0 (its target
    /// probabilities toward ½), τ(γ)·a(γ) with τ = τ_far + (1 − τ_far)·w(γ) (<see cref="NoveltyCalibration.TargetTemperature"/>):
    /// the refits choose τ_far so that held-out drugs' probabilities match the targets the full model gives them
    /// (Bernoulli log-likelihood). The MAP targets, so MAP predictions, are unchanged; the probabilities (Explain, the
    /// TargetProbabilities column, Marginal sampling) say how sure the model can be far from its training drugs. Default
    /// true (docs/results.md, chosen on development seeds). No effect without calibration.
    /// </summary>
    public bool CalibrateTargets { get; set; } = true;

    /// <summary>
    /// Whether sampled cells carry the intervention's uncertainty: each cell's targeted shifts drawn from N(α·ψ, sdψ²)
    /// (<see cref="NoveltyCalibration"/>) rather than all cells sharing α·ψ. Default true: the predictive distribution
    /// includes what the model does not know, and on the panel's development seeds it lowered new-drug MMD a little in
    /// every family where it changed it (e.g. fingerprint 0.0704 → 0.0689). The fitted model keeps the setting (its
    /// parameters, ONNX graph and saved .zip sample the same way). Each cell draws its own shifts: it is one cell's
    /// predictive distribution, not a draw of the whole population's mean (whose uncertainty is the PredictedMeanSd column).
    /// No effect on the linear model's mean, at the training perturbations' own features (shift SD 0), nor on a model
    /// without calibration.
    /// </summary>
    public bool SampleShiftUncertainty { get; set; } = true;

    /// <summary>
    /// Output column (ML.NET transformer) with the standard deviation of each variable's predicted mean, original units
    /// (<see cref="GimModel.PredictMeanStandardDeviation"/>; NaN when the model was fitted without calibration).
    /// Default "PredictedMeanSd".
    /// </summary>
    public string PredictedMeanSdColumnName { get; set; } = "PredictedMeanSd";

    /// <inheritdoc />
    private protected override IEnumerable<(string Name, string Property)> AdditionalOutputColumns() => new[] { (PredictedMeanSdColumnName, nameof(PredictedMeanSdColumnName)) };

    /// <inheritdoc />
    internal override bool WritesTargetProbabilities => true;

    /// <inheritdoc />
    internal override bool ReadsMeasurementsAtPrediction => Counterfactual;

    /// <summary>Checks every setting and throws <see cref="ArgumentOutOfRangeException"/> naming the first one out of range.</summary>
    public override void Validate()
    {
        base.Validate();
        GimObjective.Check(this, TargetSparsity, GraphSparsity, ControlTargetWeight, LearningRate, MaxSteps, InitialTemperature, FinalTemperature, InitialTargetLogit);
        Require(FreePhase >= 0 && FreePhase < 1, nameof(FreePhase), FreePhase, "a share of MaxSteps in [0, 1) (0 = off)");
        Require(EncoderDepth >= 0, nameof(EncoderDepth), EncoderDepth, "≥ 0");
        Require(EncoderWidth >= 1, nameof(EncoderWidth), EncoderWidth, "≥ 1");
        Require(GraphRank >= 0, nameof(GraphRank), GraphRank, "0 (a dense graph) or a rank ≥ 1");
        if (GraphRank > 0 && CausalModel != CausalModelKind.Linear)
            throw new ArgumentException($"GimOptions.GraphRank = {GraphRank} factors the linear model's graph B; the {CausalModel} causal model has no such matrix. " +
                "Set GraphRank to 0 or use the linear causal model.", nameof(GraphRank));
        if (GraphRank > 0 && WarmStart is not null)
            throw new ArgumentException($"GimOptions.GraphRank = {GraphRank} trains B through factors that start at zero; a warm start gives a dense B. " +
                "Set GraphRank to 0 or leave WarmStart unset.", nameof(GraphRank));
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "a finite value ≥ 0");
        Require(RelaxationDraws >= 1, nameof(RelaxationDraws), RelaxationDraws, "≥ 1");
        Require(ContextBatchSize >= 0, nameof(ContextBatchSize), ContextBatchSize, "≥ 0 (0 = all contexts)");
        Require(CellBatchSize >= 0, nameof(CellBatchSize), CellBatchSize, "≥ 0 (0 = all cells)");
        Require(EvaluateEvery >= 1, nameof(EvaluateEvery), EvaluateEvery, "≥ 1");
        Require(CheckpointEvery >= 1, nameof(CheckpointEvery), CheckpointEvery, "≥ 1");
        Require(Threads >= 0, nameof(Threads), Threads, "≥ 0 (0 = automatic)");
        Require(CalibrationFolds == 0 || CalibrationFolds >= 2, nameof(CalibrationFolds), CalibrationFolds, "0 (off) or ≥ 2");
        Require(CalibrationStepFraction > 0 && CalibrationStepFraction <= 1, nameof(CalibrationStepFraction), CalibrationStepFraction, "a share of MaxSteps in (0, 1]");
        Require(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "≥ 0");
        ArgumentNullException.ThrowIfNull(Nonlinear, nameof(Nonlinear));
        Nonlinear.Validate();
        if (string.IsNullOrWhiteSpace(Device))
            throw new ArgumentException("GimOptions.Device must be \"cpu\" or \"cuda\" (optionally \"cuda:N\").", nameof(Device));
        if (Counterfactual && Mode == PredictionMode.Marginal)
            throw new ArgumentException("GimOptions: Counterfactual uses MAP targets; set Mode to Map (the default) or Counterfactual to false.", nameof(Mode));
        if (DoseFeature is not null)
            Require(!string.IsNullOrWhiteSpace(DoseFeature), nameof(DoseFeature), DoseFeature, "a feature name, or null for none");
        if (DoseCurveFromFeatures && DoseFeature is null)
            throw new ArgumentException("GimOptions.DoseCurveFromFeatures shapes the dose curve of GimOptions.DoseFeature, which is unset: name the dose feature too.",
                nameof(DoseCurveFromFeatures));
        if (!Enum.IsDefined(DoseEncoding))
            throw new ArgumentOutOfRangeException(nameof(DoseEncoding), DoseEncoding, "GimOptions.DoseEncoding must be Concentration or Log10OnePlus.");
        if (CovariateFeatures is not null)
        {
            if (CovariateFeatures.Count == 0 || CovariateFeatures.Any(string.IsNullOrWhiteSpace))
                throw new ArgumentException("GimOptions.CovariateFeatures must name at least one feature, each non-empty (or be null for none).", nameof(CovariateFeatures));
            if (CovariateFeatures.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new ArgumentException($"GimOptions.CovariateFeatures names '{twice.Key}' twice.", nameof(CovariateFeatures));
            if (DoseFeature is not null && CovariateFeatures.Contains(DoseFeature, StringComparer.Ordinal))
                throw new ArgumentException($"GimOptions.CovariateFeatures names the dose feature '{DoseFeature}'; the dose drives the dose curve, covariates describe the cells.",
                    nameof(CovariateFeatures));
        }
        if (!Enum.IsDefined(KnownTargets))
            throw new ArgumentOutOfRangeException(nameof(KnownTargets), KnownTargets, "GimOptions.KnownTargets must be None, Shift, Knockdown or Hard.");
        if (KnownTargets != KnownTargetKind.None)
        {
            string? why = CausalModel != CausalModelKind.Linear ? $"the {CausalModel} causal model"
                : CellBatchSize > 0 ? "GimOptions.CellBatchSize (known targets train on each context's moments)"
                : DoseFeature is not null ? "GimOptions.DoseFeature (a dose path for known targets is not built)"
                : WarmStart is not null ? "GimOptions.WarmStart"
                : Interventions != InterventionKind.Shift ? $"{Interventions} off-target interventions (use Shift)"
                : null;
            if (why is not null)
                throw new ArgumentException($"GimOptions.KnownTargets = {KnownTargets} cannot be used with {why}. Known targets need the linear causal " +
                    "model, Shift off-targets and full batches of moments, without a dose feature or warm start.", nameof(KnownTargets));
        }
        WarmStart?.Check(this);
    }

    /// <summary>A copy (the nonlinear settings are copied too; the progress sink, token and warm start are shared).</summary>
    public override GimOptions Clone()
    {
        var copy = (GimOptions)MemberwiseClone();
        copy.Nonlinear = Nonlinear?.Clone()!;
        copy.CovariateFeatures = CovariateFeatures?.ToArray();
        return copy;
    }
}
