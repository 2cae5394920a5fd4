using System.ComponentModel;
using System.Globalization;
using Gim.MLNet.Causal;
using Gim.MLNet.Samples.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gim.MLNet.Samples.Commands;

internal sealed partial class FitCommand
{
    /// <summary>
    /// The options of `fit`, checked here in the flags' own words before any data is read, so a wrong
    /// command line never reaches the library (whose messages name its API, not the flags).
    /// </summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <FILE>")]
        [Description("Cells to learn from: a .csv (comma-separated; .txt too), a .tsv (tab-separated), one row per cell, or an AnnData .h5ad file.")]
        public string? Data { get; init; }

        [CommandOption("--context <COLUMN>")]
        [Description("Column (CSV) or obs column (.h5ad) naming each cell's context (drug/dose, reagent combination), when one column says it all. Otherwise use --perturbation.")]
        public string? Context { get; init; }

        [CommandOption("--perturbation <COLUMN>")]
        [Description("Instead of --context, for screens that spread the condition over columns: the column naming each cell's perturbation (drug, guide). A context is then each perturbation × --dose × --covariates; features come from --descriptors, the dose, the covariates and --features.")]
        public string? Perturbation { get; init; }

        [CommandOption("--control <VALUES>")]
        [Description("Context value(s) of the control cells, comma-separated (e.g. DMSO); with --perturbation, the perturbation value(s) of the vehicle cells.")]
        public string? Control { get; init; }

        [CommandOption("--covariates <COLUMNS>")]
        [Description("With --perturbation: columns such as cell_type, comma-separated, that split contexts and become 0/1 features. The vehicle cells of the first vehicle cell's level are the control; another level's vehicle is a context perturbed by its level.")]
        public string? Covariates { get; init; }

        [CommandOption("--descriptors <FILE>")]
        [Description("With --perturbation: a CSV/TSV of per-perturbation features (first column, or --descriptor-key, the perturbation's name; the other columns numeric), joined onto the cells by name.")]
        public string? Descriptors { get; init; }

        [CommandOption("--descriptor-key <COLUMN>")]
        [Description("The key column of --descriptors (default: its first column).")]
        public string? DescriptorKey { get; init; }

        [CommandOption("--per-drug-curve")]
        [Description("With a dose read by GIM's saturating curve: each perturbation its own half-effect dose and steepness, learned from its features other than the dose (GimOptions.DoseCurveFromFeatures; with --perturbation-indicators each drug's own, with --covariates each line's too), instead of one curve shape for all.")]
        public bool PerDrugCurve { get; init; }

        [CommandOption("--dose-as <curve|log>")]
        [Description("With --perturbation and --dose: curve = GIM's saturating dose path on the concentration (the default; with --covariates each level's own difference is not scaled by it, GimOptions.CovariateFeatures); log = log10(1 + dose) as a plain feature.")]
        public string? DoseAs { get; init; }

        [CommandOption("--features <COLUMNS>")]
        [Description("Feature columns, comma-separated (CSV columns or .h5ad obs columns).")]
        public string? Features { get; init; }

        [CommandOption("--feature-prefix <PREFIX>")]
        [Description("CSV only: every column starting with this prefix is a feature.")]
        public string? FeaturePrefix { get; init; }

        [CommandOption("--measurements <COLUMNS>")]
        [Description("CSV only: measured variables, comma-separated (default: every column that is not the context, a feature or ignored).")]
        public string? Measurements { get; init; }

        [CommandOption("--measurement-prefix <PREFIX>")]
        [Description("CSV only: every column starting with this prefix is a measured variable.")]
        public string? MeasurementPrefix { get; init; }

        [CommandOption("--ignore <COLUMNS>")]
        [Description("CSV only: columns to skip (cell ids, annotations), comma-separated, when the measurements are every other column.")]
        public string? Ignore { get; init; }

        [CommandOption("--layer <NAME>")]
        [Description(".h5ad only: read this layer instead of X.")]
        public string? Layer { get; init; }

        [CommandOption("--variables <NAMES>")]
        [Description(".h5ad only: read only these variables (var names, comma-separated).")]
        public string? Variables { get; init; }

        [CommandOption("--dose <COLUMN>")]
        [Description("With --perturbation: the column of each cell's dose (see --dose-as). With --context: one of the feature columns that holds the dose (a concentration > 0 in any unit for every perturbed context; 0 for the vehicle): GIM's shifts then follow a learned saturating Hill curve of it instead of growing linearly with it; dose-curves.csv says where each context sits on it.")]
        public string? Dose { get; init; }

        [CommandOption("--combinations <SEPARATOR>")]
        [Description("Context labels name combinations of perturbations joined by SEPARATOR (+ for \"A+B\", \"A+ctrl\", as in Perturb-seq condition columns): each perturbation becomes a 0/1 feature, before any --features columns (which become optional).")]
        public string? Combinations { get; init; }

        [CommandOption("--perturbation-indicators")]
        [Description("With --perturbation: every perturbation the data names also gets a 0/1 feature of its own, besides its descriptors, so what a measured drug does beyond what its descriptors say is learned for it (kept at new doses and in other lines); a drug the model has no indicator for is predicted from its descriptors (ScreenDesign.PerturbationIndicators).")]
        public bool PerturbationIndicators { get; init; }

        [CommandOption("--guide <COLUMN>")]
        [Description("With --perturbation, for CRISPR screens that name the targeted gene(s) in the perturbation column and the guide in this one: each guide's cells are a context of their own (grouped under its gene) with a 0/1 feature per guide, so each guide's strength can be learned; the vehicle cells' guides are not read (they pool into the control). Without it a gene's guides pool (ScreenDesign.GuideColumn).")]
        public string? Guide { get; init; }

        [CommandOption("--non-targeting <VALUES>")]
        [Description("With --combinations: label parts that are no perturbation (non-targeting guides), comma-separated; default ctrl (\"A+ctrl\" is A alone).")]
        public string? NonTargeting { get; init; }

        [CommandOption("--known-targets <shift|knockdown|hard>")]
        [Description("Genetic screens: a feature named like a measured gene (what --combinations makes of \"GENE1+GENE2\" labels) declares that gene a target, hit by this kind of intervention (knockdown: its whole mechanism scaled; hard: its inputs cut; shift: moved); genes never perturbed in training get the typical strength and are predicted through the learned graph. No novelty calibration then (docs/genetic.md). With --stream or --statistics: shift and knockdown (a knockdown reads its targets' covariance rows, which the statistics keep).")]
        public string? KnownTargets { get; init; }

        [CommandOption("--normalize")]
        [Description("The measurements are raw counts: scale each cell to 10,000 total counts and take log1p, as a step of the saved pipeline (which then takes raw counts).")]
        public bool Normalize { get; init; }

        [CommandOption("--hvg <N>")]
        [Description("Keep the N most variable genes (Seurat-flavour dispersion), as a step of the saved pipeline; counts are normalised first unless --log-normalized.")]
        public int? Hvg { get; init; }

        [CommandOption("--log-normalized")]
        [Description("With --hvg: the measurements are already log1p of normalised counts (skip --normalize).")]
        public bool LogNormalized { get; init; }

        [CommandOption("--stream")]
        [Description("With --perturbation and an .h5ad file: do not load the cells. Read them a chunk at a time into per-context statistics (means, variances, one pooled covariance; --normalize and --hvg applied per chunk), write those to OUT/statistics/ and fit from them: memory no longer grows with the cells. The saved model then takes the normalised, selected genes (it has no preprocessing steps).")]
        public bool Stream { get; init; }

        [CommandOption("--statistics <DIR>")]
        [Description("Fit from a statistics folder instead of cells (contexts.parquet, moments.parquet, covariance.parquet: written by --stream, PerturbationStatistics.Write, or an engine's GROUP BY; docs/statistics.md). Replaces --data and the flags that describe it.")]
        public string? Statistics { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Training steps.")]
        [DefaultValue(2000)]
        public int Steps { get; init; }

        [CommandOption("--graph-rank <R>")]
        [Description("Train the causal graph as B = U Vᵀ of rank R (GimOptions.GraphRank): O(d² R) a step instead of O(d³), for thousands of genes (docs/performance.md). 0: dense.")]
        [DefaultValue(0)]
        public int GraphRank { get; init; }

        [CommandOption("--lambda-t <X>")]
        [Description("Target sparsity λ_t ≥ 0 (larger: fewer targets per perturbation).")]
        [DefaultValue(1.0)]
        public double TargetSparsity { get; init; }

        [CommandOption("--free-phase <X>")]
        [Description("Share of the steps, in [0, 1), whose first half trains each training perturbation's targets and shifts freely before the encoder takes them over (GimOptions.FreePhase); 0: off.")]
        [DefaultValue(0.5)]
        public double FreePhase { get; init; }

        [CommandOption("--seed <SEED>")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        [CommandOption("--checkpoint <FILE>")]
        [Description("Checkpoint training to this file; rerun the same command to resume after an interruption.")]
        public string? Checkpoint { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Output folder (default: a new gim-fit-<time> folder here).")]
        public string? Out { get; init; }

        /// <summary>Whether the pipeline starts with count normalisation (--normalize, or --hvg on counts).</summary>
        public bool NormalizesCounts => Normalize || Hvg is not null && !LogNormalized;

        /// <summary>True for a .h5ad file, false for CSV; null for any other extension.</summary>
        public bool? IsAnnData => Path.GetExtension(Data ?? "").ToLowerInvariant() switch
        {
            ".h5ad" => true,
            ".csv" or ".tsv" or ".txt" => false,
            _ => null,
        };

        public override ValidationResult Validate()
        {
            if (KnownTargets is not null && KnownTargets is not ("shift" or "knockdown" or "hard"))
                return ValidationResult.Error($"--known-targets is '{KnownTargets}'; expected shift, knockdown or hard.");
            if (KnownTargets == "hard" && (Statistics is not null || Stream))
                return ValidationResult.Error($"--known-targets hard cannot go with {(Stream ? "--stream" : "--statistics")}: a hard intervention changes its " +
                    "context's whole covariance, which statistics do not keep (knockdown and shift fit from them: a knockdown reads its targets' covariance rows).");
            if (Statistics is not null) return ValidateStatisticsFlags();
            if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required: the .csv, .tsv or .h5ad file of cells.");
            if (IsAnnData is null) return ValidationResult.Error($"--data: '{Data}' has extension '{Path.GetExtension(Data)}'; expected .csv, .tsv, .txt or .h5ad.");
            if (Context is not null && Perturbation is not null)
                return ValidationResult.Error("give either --context (one column names each cell's condition) or --perturbation (with --dose, --covariates, --descriptors), not both.");
            if (string.IsNullOrWhiteSpace(Context) && string.IsNullOrWhiteSpace(Perturbation))
                return ValidationResult.Error("--context or --perturbation is required: the column that names each cell's context, or its perturbation when dose and covariates are other columns.");
            if (Control is null) return ValidationResult.Error("--control is required: the context value(s) of the control cells.");
            ValidationResult design = Perturbation is null ? ValidateContextFlags() : ValidatePerturbationFlags();
            if (!design.Successful) return design;
            if (OptionValues.Split(Control).Length == 0) return ValidationResult.Error($"--control '{Control}' names no value; give the context value(s) of the control cells, comma-separated (e.g. --control DMSO).");
            foreach (var (flag, list) in new[] { ("--features", Features), ("--measurements", Measurements), ("--ignore", Ignore), ("--variables", Variables) })
                if (list is not null && OptionValues.Split(list).Length == 0)
                    return ValidationResult.Error($"{flag} '{list}' names no column; give names separated by commas.");
            foreach (var (flag, prefix) in new[] { ("--feature-prefix", FeaturePrefix), ("--measurement-prefix", MeasurementPrefix) })
                if (prefix is not null && prefix.Length == 0)
                    return ValidationResult.Error($"{flag} is empty; give the prefix the column names start with.");
            if (Combinations is not null && Combinations.Trim().Length == 0)
                return ValidationResult.Error("--combinations is empty; give the separator of the perturbations in a context label, e.g. --combinations +.");
            if (NonTargeting is not null && Combinations is null)
                return ValidationResult.Error("--non-targeting applies to combination labels; add --combinations SEPARATOR (e.g. +).");
            ValidationResult roles = IsAnnData == true ? ValidateAnnDataFlags() : ValidateCsvFlags();
            if (!roles.Successful) return roles;
            if (Dose is not null && Perturbation is null)
            {
                if (string.IsNullOrWhiteSpace(Dose)) return ValidationResult.Error("--dose is empty; give the feature column that holds the dose.");
                if (Features is not null && !OptionValues.Split(Features).Contains(Dose))
                    return ValidationResult.Error($"--dose '{Dose}' is not one of the --features columns ({Features}); the dose must also be a feature.");
                if (FeaturePrefix is not null && !Dose.StartsWith(FeaturePrefix, StringComparison.Ordinal))
                    return ValidationResult.Error($"--dose '{Dose}' does not start with --feature-prefix '{FeaturePrefix}'; the dose must also be a feature.");
            }
            if (PerDrugCurve && (Dose is null || DoseAs == "log"))
                return ValidationResult.Error("--per-drug-curve shapes GIM's dose curve; it needs --dose (read as a curve, not --dose-as log).");
            if (Hvg is < 1) return ValidationResult.Error($"--hvg must be ≥ 1 (the number of genes to keep); got {Hvg}.");
            if (LogNormalized && Hvg is null) return ValidationResult.Error("--log-normalized applies with --hvg (it skips the normalisation --hvg does first).");
            if (LogNormalized && Normalize) return ValidationResult.Error("give either --normalize (raw counts) or --log-normalized (already normalised), not both.");
            if (Stream && (Perturbation is null || IsAnnData != true))
                return ValidationResult.Error("--stream reads an .h5ad screen described with --perturbation (and --dose, --covariates, --descriptors); give both.");
            if (Stream && Hvg is not null && Variables is not null)
                return ValidationResult.Error("--stream ranks --hvg genes among all of the file's genes; give --hvg or --variables, not both.");
            return ValidateTraining();
        }

        private ValidationResult ValidateTraining()
        {
            if (Steps < 1) return ValidationResult.Error($"--steps must be ≥ 1; got {Steps}.");
            if (GraphRank < 0) return ValidationResult.Error($"--graph-rank must be 0 (a dense graph) or a rank ≥ 1; got {GraphRank}.");
            if (!double.IsFinite(TargetSparsity) || TargetSparsity < 0)
                return ValidationResult.Error($"--lambda-t must be a finite number ≥ 0 (larger: fewer targets per perturbation); got {TargetSparsity.ToString(CultureInfo.InvariantCulture)}.");
            if (!(FreePhase >= 0 && FreePhase < 1))
                return ValidationResult.Error($"--free-phase must be a share of the steps in [0, 1) (0: off); got {FreePhase.ToString(CultureInfo.InvariantCulture)}.");
            return OptionValues.CheckOut(Out, "the output folder, e.g. --out fit1");
        }

        /// <summary>--statistics replaces the data and every flag that says how to read it.</summary>
        private ValidationResult ValidateStatisticsFlags()
        {
            var dataFlags = new (string Flag, object? Value)[]
            {
                ("--data", Data), ("--context", Context), ("--perturbation", Perturbation), ("--control", Control), ("--covariates", Covariates),
                ("--descriptors", Descriptors), ("--descriptor-key", DescriptorKey), ("--dose-as", DoseAs), ("--features", Features),
                ("--feature-prefix", FeaturePrefix), ("--measurements", Measurements), ("--measurement-prefix", MeasurementPrefix), ("--ignore", Ignore),
                ("--layer", Layer), ("--variables", Variables), ("--dose", Dose), ("--combinations", Combinations), ("--non-targeting", NonTargeting),
                ("--perturbation-indicators", PerturbationIndicators ? true : null), ("--guide", Guide),
                ("--hvg", Hvg), ("--normalize", Normalize ? true : null), ("--log-normalized", LogNormalized ? true : null), ("--stream", Stream ? true : null),
            };
            if (dataFlags.FirstOrDefault(f => f.Value is not null) is { Flag: not null } given)
                return ValidationResult.Error($"{given.Flag} describes cells; --statistics fits from a statistics folder, which says what its contexts, features and variables are. Give one or the other.");
            if (string.IsNullOrWhiteSpace(Statistics) || !Directory.Exists(Statistics))
                return ValidationResult.Error($"--statistics: no folder '{Statistics}'; expected one holding contexts.parquet, moments.parquet and covariance.parquet (and target_rows.parquet for --known-targets knockdown).");
            return ValidateTraining();
        }

        private ValidationResult ValidateContextFlags()
        {
            string? designOnly = Covariates is not null ? "--covariates" : Descriptors is not null ? "--descriptors" : DescriptorKey is not null ? "--descriptor-key"
                : DoseAs is not null ? "--dose-as" : PerturbationIndicators ? "--perturbation-indicators" : Guide is not null ? "--guide" : null;
            return designOnly is null ? ValidationResult.Success()
                : ValidationResult.Error($"{designOnly} applies with --perturbation (a context made of perturbation, dose and covariate columns); with --context, the context column says it all.");
        }

        private ValidationResult ValidatePerturbationFlags()
        {
            foreach (var (flag, list) in new[] { ("--covariates", Covariates) })
                if (list is not null && OptionValues.Split(list).Length == 0)
                    return ValidationResult.Error($"{flag} '{list}' names no column; give names separated by commas.");
            if (FeaturePrefix is not null)
                return ValidationResult.Error("--feature-prefix applies with --context; with --perturbation, name per-cell feature columns with --features.");
            if (DescriptorKey is not null && Descriptors is null)
                return ValidationResult.Error("--descriptor-key names the key column of --descriptors; add --descriptors FILE.");
            if (Descriptors is not null && !File.Exists(Descriptors))
                return ValidationResult.Error($"--descriptors: no file '{Descriptors}'.");
            if (DoseAs is not null && DoseAs is not ("curve" or "log"))
                return ValidationResult.Error($"--dose-as is '{DoseAs}'; expected curve or log.");
            if (DoseAs is not null && Dose is null)
                return ValidationResult.Error("--dose-as says how to read the dose; add --dose COLUMN.");
            if (Dose is not null && Features is not null && OptionValues.Split(Features).Contains(Dose))
                return ValidationResult.Error($"--dose '{Dose}' is also in --features; with --perturbation the dose becomes a feature by itself (see --dose-as).");
            if (Guide is not null && string.IsNullOrWhiteSpace(Guide))
                return ValidationResult.Error("--guide is empty; give the column naming each cell's guide, e.g. --guide guide_id.");
            if (Guide is not null && (Guide == Perturbation || Guide == Dose || OptionValues.Split(Covariates).Contains(Guide) || OptionValues.Split(Features).Contains(Guide)))
                return ValidationResult.Error($"--guide '{Guide}' is also the --perturbation, --dose, a --covariates or a --features column; name the guide column once.");
            if (PerturbationIndicators && Combinations is not null)
                return ValidationResult.Error("--perturbation-indicators: combination labels (--combinations) already give every perturbation an indicator; leave one out.");
            if (Descriptors is null && Dose is null && Covariates is null && Features is null && Combinations is null && !PerturbationIndicators && Guide is null)
                return ValidationResult.Error("nothing describes the perturbations: add --descriptors FILE (per-perturbation features), --perturbation-indicators, --dose, --covariates, --features, --combinations or --guide.");
            return ValidationResult.Success();
        }

        /// <summary>With --perturbation and --dose: whether GIM's saturating dose curve reads the concentration (else log10(1 + dose) is a plain feature).</summary>
        /// <summary>The kind of known targets --known-targets names (None without it).</summary>
        public KnownTargetKind KnownTargetKind => KnownTargets switch
        {
            "shift" => KnownTargetKind.Shift,
            "knockdown" => KnownTargetKind.Knockdown,
            "hard" => KnownTargetKind.Hard,
            _ => KnownTargetKind.None,
        };

        public bool DoseCurve => Perturbation is not null && Dose is not null && (DoseAs ?? "curve") == "curve";

        private ValidationResult ValidateCsvFlags()
        {
            if (Features is null && FeaturePrefix is null && Combinations is null && Perturbation is null)
                return ValidationResult.Error("name the feature columns (what describes each perturbation): --features COL1,COL2 or --feature-prefix PREFIX (or, for labels such as \"A+B\", --combinations +).");
            if (Features is not null && FeaturePrefix is not null)
                return ValidationResult.Error("give either --features or --feature-prefix, not both.");
            if (Measurements is not null && MeasurementPrefix is not null)
                return ValidationResult.Error("give either --measurements or --measurement-prefix, not both.");
            if (Ignore is not null && (Measurements is not null || MeasurementPrefix is not null))
                return ValidationResult.Error("--ignore applies only when the measurements are every other column; with --measurements or --measurement-prefix, leave the column out of those instead.");
            if (Layer is not null || Variables is not null)
                return ValidationResult.Error($"{(Layer is not null ? "--layer" : "--variables")} is for .h5ad files; '{Data}' is a CSV file (for CSV, choose columns with --measurements or --measurement-prefix).");
            return ValidationResult.Success();
        }

        private ValidationResult ValidateAnnDataFlags()
        {
            string? csvOnly = FeaturePrefix is not null ? "--feature-prefix" : Measurements is not null ? "--measurements"
                : MeasurementPrefix is not null ? "--measurement-prefix" : Ignore is not null ? "--ignore" : null;
            if (csvOnly is not null)
                return ValidationResult.Error($"{csvOnly} is for CSV files; '{Data}' is an .h5ad file (choose variables with --variables).");
            if (Features is null && Combinations is null && Perturbation is null)
                return ValidationResult.Error("--features: name the obs columns that describe each perturbation (numeric, identical within a context), e.g. --features dose,logP (or, for labels such as \"A+B\", --combinations +).");
            return ValidationResult.Success();
        }
    }
}
