using System.Text.Json;
using Gim.MLNet.Runtime;
using Gim.MLNet.Data;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// screen-design.json, written by `fit --perturbation` beside the model: how the screen's columns became contexts and
/// features (and the reference covariate levels), so `predict --perturbation` can make a feature vector from a drug's
/// name, dose and cell line as the model expects it.
/// </summary>
internal sealed record ScreenDesignFile(string Perturbation, string[] Controls, string? Dose, string DoseEncoding, Dictionary<string, string> Covariates,
    string? Descriptors, string? DescriptorKey, string? CombinationSeparator, string[]? NonTargeting, string[] FeatureColumns)
{
    public const string FileName = "screen-design.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static ScreenDesignFile From(ScreenDesign design, PerturbationDataset data, string? descriptorsPath, string? descriptorKey) => new(
        design.PerturbationColumn, design.ControlValues.ToArray(), design.DoseColumn, design.DoseEncoding.ToString(),
        new Dictionary<string, string>(design.ReferenceLevelsOf(data)), descriptorsPath is null ? null : Path.GetFullPath(descriptorsPath), descriptorKey,
        design.Combinations?.Separator, design.Combinations?.NonTargeting.ToArray(), design.FeatureColumns.ToArray());

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static ScreenDesignFile Load(string path, string flag)
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

    /// <summary>The design, with its descriptor table read from <paramref name="descriptorsOverride"/> or the recorded path.</summary>
    public ScreenDesign ToDesign(string? descriptorsOverride) => new(Perturbation, Controls)
    {
        DoseColumn = Dose,
        DoseEncoding = Enum.Parse<DoseEncoding>(DoseEncoding),
        Covariates = Covariates.Keys.ToArray(),
        ReferenceLevels = Covariates,
        Descriptors = (descriptorsOverride ?? Descriptors) is string path ? DescriptorTable.Read(path, DescriptorKey) : null,
        Combinations = CombinationSeparator is null ? null : new CombinationLabels { Separator = CombinationSeparator, NonTargeting = NonTargeting ?? new[] { "ctrl" } },
        FeatureColumns = FeatureColumns,
    };
}
