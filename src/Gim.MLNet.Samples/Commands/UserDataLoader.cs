using Gim.MLNet.Data;
using Gim.MLNet.Data.AnnData;
using Gim.MLNet.Data.Csv;

namespace Gim.MLNet.Samples.Commands;

/// <summary>Loads the user's own data (.csv or .h5ad) into a <see cref="PerturbationDataset"/>.</summary>
internal static class UserDataLoader
{
    public static PerturbationDataset Load(FitCommand.Settings s)
    {
        if (!File.Exists(s.Data))
            throw new FileNotFoundException($"--data: no file '{s.Data}'.", s.Data);
        string[] controls = Split(s.Control);
        string extension = Path.GetExtension(s.Data).ToLowerInvariant();
        switch (extension)
        {
            case ".csv" or ".tsv" or ".txt":
                var roles = new CsvColumnRoles(s.Context!, controls)
                {
                    FeatureColumns = s.Features is null ? null : Split(s.Features),
                    FeaturePrefix = s.FeaturePrefix,
                    MeasurementColumns = s.Measurements is null ? null : Split(s.Measurements),
                    MeasurementPrefix = s.MeasurementPrefix,
                    Delimiter = extension == ".tsv" ? '\t' : ',',
                };
                return CsvPerturbationReader.Read(s.Data!, roles).ToPerturbationDataset();
            case ".h5ad":
                if (s.Features is null)
                    throw new ArgumentException("--features: name the obs columns that describe each perturbation (numeric, identical within a context), e.g. --features dose,logP.");
                string[] features = Split(s.Features);
                var options = new AnnDataReadOptions
                {
                    Layer = s.Layer,
                    Variables = s.Variables is null ? null : Split(s.Variables),
                    ObsColumns = features.Append(s.Context!).Distinct().ToArray(),
                };
                return AnnDataReader.Read(s.Data!, options).ToPerturbationDataset(s.Context!, controls, features);
            default:
                throw new ArgumentException($"--data: '{s.Data}' has extension '{extension}'; expected .csv, .tsv or .h5ad.");
        }
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
