using System.Text.Json;
using Gim.MLNet.Runtime;
using Gim.MLNet.Data;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// screen-design.json, written by `fit --perturbation` beside the model: how the screen's columns became contexts and
/// features (and the reference covariate levels), so `predict --perturbation` can make a feature vector from a drug's
/// name, dose and cell line as the model expects it. <c>NormalizedTotal</c> is set when the model was fitted from statistics of
/// normalised counts (`fit --stream --normalize`): the model has no normalisation step, so `evaluate` normalises held-out
/// counts to that total (over <c>NormalizedOverGenes</c> genes, checked) and log1p itself before choosing the model's genes.
/// </summary>
internal sealed record ScreenDesignFile(string Perturbation, string[] Controls, string? Dose, string DoseEncoding, Dictionary<string, string> Covariates,
    string? Descriptors, string? DescriptorKey, string? CombinationSeparator, string[]? NonTargeting, string[] FeatureColumns,
    string MeasurementsColumn = "Measurements", double? NormalizedTotal = null, int? NormalizedOverGenes = null, bool PerturbationIndicators = false,
    string? Guide = null)
{
    public const string FileName = "screen-design.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>What fit records; <paramref name="measurementsColumn"/> is the pipeline's column GIM reads (after its preprocessing steps), where `evaluate` finds the observed cells in the model's space.</summary>
    public static ScreenDesignFile From(ScreenDesign design, PerturbationDataset data, string? descriptorsPath, string? descriptorKey, string measurementsColumn) => new(
        design.PerturbationColumn, design.ControlValues.ToArray(), design.DoseColumn, design.DoseEncoding.ToString(),
        new Dictionary<string, string>(design.ReferenceLevelsOf(data)), descriptorsPath is null ? null : Path.GetFullPath(descriptorsPath), descriptorKey,
        design.Combinations?.Separator, design.Combinations?.NonTargeting.ToArray(), design.FeatureColumns.ToArray(), measurementsColumn,
        PerturbationIndicators: design.PerturbationIndicators, Guide: design.GuideColumn);

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>The design given with --design, or the one `fit` wrote beside <paramref name="model"/>.</summary>
    public static ScreenDesignFile LoadFor(string model, string? design) =>
        Load(design ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(model))!, FileName), "--design");

    private static ScreenDesignFile Load(string path, string flag)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{flag}: no file '{path}'; `fit --perturbation` writes {FileName} beside the model (give it with --design).", path);
        try
        {
            return JsonSerializer.Deserialize<ScreenDesignFile>(File.ReadAllText(path), Json) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a screen design written by `fit --perturbation` ({e.Message}).", e);
        }
    }

    /// <summary>The design; with <paramref name="featureNames"/> (a model's), data read with it gets exactly those features.</summary>
    public ScreenDesign ToDesign(string? descriptorsOverride, IReadOnlyList<string>? featureNames = null) => new(Perturbation, Controls)
    {
        FeatureNames = featureNames,
        DoseColumn = Dose,
        DoseEncoding = Enum.Parse<DoseEncoding>(DoseEncoding),
        Covariates = Covariates.Keys.ToArray(),
        ReferenceLevels = Covariates,
        Descriptors = (descriptorsOverride ?? Descriptors) is string path ? DescriptorTable.Read(path, DescriptorKey) : null,
        Combinations = CombinationSeparator is null ? null : new CombinationLabels { Separator = CombinationSeparator, NonTargeting = NonTargeting ?? new[] { "ctrl" } },
        PerturbationIndicators = PerturbationIndicators,
        GuideColumn = Guide,
        FeatureColumns = FeatureColumns,
    };
}
